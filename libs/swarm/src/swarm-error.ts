import { DomainError } from '@app/common';

/**
 * Turns a dockerode/docker-modem failure into a DomainError whose message an
 * operator can act on. `what` names the object, e.g. `service "web"`.
 */
export function toSwarmError(err: unknown, what: string, endpoint: string): DomainError {
  if (err instanceof DomainError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const engineMessage = (e.json?.message ?? e.message ?? String(err)).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  if (e.statusCode === undefined) {
    const reason = e.code ?? engineMessage;
    if (/timeout/i.test(engineMessage) || e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT') {
      return new DomainError('UNAVAILABLE', `Docker at ${endpoint} did not answer in time (${reason})`, undefined, { cause: err });
    }
    return new DomainError('UNAVAILABLE', `Docker is unreachable at ${endpoint}: ${reason}`, undefined, { cause: err });
  }
  switch (e.statusCode) {
    case 404:
      return new DomainError('NOT_FOUND', `${what} not found`, undefined, { cause: err });
    case 409:
      return new DomainError('CONFLICT', `${what}: ${engineMessage}`, undefined, { cause: err });
    case 400:
      return new DomainError('INVALID', `${what}: ${engineMessage}`, undefined, { cause: err });
    case 403:
      return new DomainError('FORBIDDEN', `${what}: ${engineMessage}`, undefined, { cause: err });
    case 503:
      // "This node is not a swarm manager" and friends
      return new DomainError('UNAVAILABLE', `Docker at ${endpoint}: ${engineMessage}`, undefined, { cause: err });
    default:
      return new DomainError('UNAVAILABLE', `Docker at ${endpoint} failed on ${what}: ${engineMessage}`, undefined, { cause: err });
  }
}

export function isOutOfSequence(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: string; json?: { message?: string }; cause?: unknown };
  const text = `${e?.json?.message ?? ''} ${e?.message ?? ''}`;
  if (/update out of sequence/i.test(text)) return true;
  return e?.cause !== undefined && e.cause !== err ? isOutOfSequence(e.cause) : false;
}

/**
 * Runs read-modify-write `attempt` again with a fresh read when the swarm says
 * the version index was stale ("update out of sequence"), a few times.
 */
export async function withVersionRetry<T>(attempt: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= maxAttempts || !isOutOfSequence(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.floor(Math.random() * 30)));
    }
  }
}
