import createClient from 'openapi-fetch';
import { currentToken } from '@/stores/auth';
import type { components, paths } from './schema';

/** The typed client generated from apps/api/openapi.json. */
export const api = createClient<paths>({ baseUrl: '' });

/** Called when the API says the token is missing or no longer valid, with its reason (expired, revoked, …). */
export let onUnauthorized: (reason: string) => void = () => undefined;
export function setUnauthorizedHandler(fn: (reason: string) => void) {
  onUnauthorized = fn;
}

api.use({
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as { message?: string };
      onUnauthorized(body.message ?? 'the token was refused');
    }
    return response;
  },
});

export type Schemas = components['schemas'];

/** An API error with the server's message (which names the field at fault). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiError with the server's message. */
export async function unwrap<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (err) {
    throw new ApiError(0, `the server is unreachable (${(err as Error).message})`);
  }
  if (result.response.ok) return result.data as T;
  const message = (result.error as { message?: string } | undefined)?.message ?? result.response.statusText;
  throw new ApiError(result.response.status, message);
}
