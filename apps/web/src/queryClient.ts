import { MutationCache, QueryClient } from '@tanstack/vue-query';
import { ApiError } from './api/client';
import { useToastStore } from './stores/toasts';

declare module '@tanstack/vue-query' {
  interface Register {
    mutationMeta: {
      /** The short notice shown when the mutation succeeds. */
      success?: (data: never, variables: never) => string;
    };
  }
}

/** The words of a failure: the API's message (it names the field or the reason), or the client's own. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one error path for changes: every failed mutation shows the API's message
 * and every success a short notice, so no page forgets either. A 401 is not shown:
 * the sign-in page says why the session ended.
 */
export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } },
  mutationCache: new MutationCache({
    onError: (err) => {
      if (err instanceof ApiError && err.status === 401) return;
      useToastStore().error(errorText(err));
    },
    onSuccess: (data, variables, _context, mutation) => {
      const text = mutation.meta?.success?.(data as never, variables as never);
      if (text) useToastStore().success(text);
    },
  }),
});
