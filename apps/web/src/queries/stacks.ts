import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, ApiError, unwrap, type Schemas } from '@/api/client';

export const stackKeys = {
  all: ['stacks'] as const,
  list: () => [...stackKeys.all, 'list'] as const,
  detail: (name: string) => [...stackKeys.all, 'detail', name] as const,
  history: (name: string) => [...stackKeys.all, 'history', name] as const,
};

// the live event stream invalidates services, not stacks: a stack's replicas are polled (a CLI-made stack appears within seconds)
const POLL_MS = 5000;

export const stacksQuery = () =>
  queryOptions({ queryKey: stackKeys.list(), queryFn: () => unwrap(api.GET('/api/stacks')), refetchInterval: POLL_MS });

export const stackQuery = (name: string) =>
  queryOptions({
    queryKey: stackKeys.detail(name),
    queryFn: () => unwrap(api.GET('/api/stacks/{name}', { params: { path: { name } } })),
    refetchInterval: POLL_MS,
  });

export const stackHistoryQuery = (name: string) =>
  queryOptions({
    queryKey: stackKeys.history(name),
    queryFn: () => unwrap(api.GET('/api/stacks/{name}/history', { params: { path: { name } } })),
  });

function useInvalidating<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: stackKeys.all }) });
}

export type StackInput = Schemas['StackInputDto'];

/** One refused key of a compose file, with its line for the editor. */
export type StackProblem = Schemas['StackProblemDto'];

/** An API refusal of a stack: the message, and each problem with its line in the compose text when the API knows it. */
export class StackError extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly problems: StackProblem[],
  ) {
    super(status, message);
  }
}

async function unwrapStack<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const result = await request.catch((err: Error) => {
    throw new ApiError(0, `the server is unreachable (${err.message})`);
  });
  if (result.response.ok) return result.data as T;
  const body = result.error as { message?: string; problems?: StackProblem[] } | undefined;
  throw new StackError(result.response.status, body?.message ?? result.response.statusText, body?.problems ?? []);
}

export const useCreateStack = () =>
  useInvalidating((input: Schemas['CreateStackDto']) => unwrapStack(api.POST('/api/stacks', { body: input as never })));
export const useReplaceStack = () =>
  useInvalidating(({ name, input }: { name: string; input: StackInput }) =>
    unwrapStack(api.PUT('/api/stacks/{name}', { params: { path: { name } }, body: input as never })),
  );
export const useStopStack = () =>
  useInvalidating((name: string) => unwrap(api.POST('/api/stacks/{name}/stop', { params: { path: { name } } })));
export const useDeleteStack = () =>
  useInvalidating(({ name, force }: { name: string; force: boolean }) =>
    unwrap(api.DELETE('/api/stacks/{name}', { params: { path: { name }, query: { force } } })),
  );
