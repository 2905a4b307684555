import { api, unwrap, type Schemas } from '@/api/client';

export type ConsoleTarget = Schemas['ConsoleTargetDto'];

/** Where a console into the task would run (its node and that node's agent); read once when the console opens, not cached. */
export const consoleTarget = (taskId: string): Promise<ConsoleTarget> =>
  unwrap(api.GET('/api/console/tasks/{taskId}', { params: { path: { taskId } } }));
