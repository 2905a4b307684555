import type { CatalogService } from '../catalog.service';
import type { DeployAction } from '../database/deploy-record.entity';

/** How a change ended, for its history record. */
export interface HistoryOutcome<T> {
  result: T;
  message: string;
  failed?: boolean;
  details?: { image?: string; imageDigest?: string; spec?: object; specHash?: string };
}

/**
 * Runs one change (a service's or a stack's deploy, stop, scale, rollback) as
 * a history record: started before it runs, so a refusal is history too, and
 * ended with its outcome, or failed with the error's message.
 */
export async function withHistory<T>(
  catalog: CatalogService,
  key: string,
  action: DeployAction,
  started: { actor?: string; image?: string },
  fn: (historyId: number) => Promise<HistoryOutcome<T>>,
): Promise<T> {
  const id = await catalog.recordDeployStart(key, action, started);
  let outcome: HistoryOutcome<T>;
  try {
    outcome = await fn(id);
  } catch (err) {
    await catalog.recordDeployEnd(id, 'failed', { message: (err as Error).message }).catch(() => undefined);
    throw err;
  }
  await catalog.recordDeployEnd(id, outcome.failed ? 'failed' : 'succeeded', { message: outcome.message, ...outcome.details });
  return outcome.result;
}
