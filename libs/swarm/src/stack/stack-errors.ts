import { DomainError } from '@app/common';

/** Engine messages that say the request is wrong, whatever status an older Engine answers them with (20.10: 500). */
const REQUEST_FAULT =
  /not found|invalid|InvalidArgument|constraint|expected one operator|must be|cannot|can't|unsupported|unknown|malformed|already in use|only updates to Labels/i;
/** Engine messages that say the swarm cannot answer now: those stay UNAVAILABLE. */
const ENGINE_FAULT =
  /code = (Unavailable|DeadlineExceeded)|context deadline|not a swarm manager|no leader|raft|connection refused|timed? ?out/i;

const engineStatus = (err: DomainError): number | undefined => (err.cause as { statusCode?: number } | undefined)?.statusCode;

function engineMessage(err: DomainError): string {
  const cause = err.cause as { json?: { message?: string }; message?: string } | undefined;
  const text = cause?.json?.message ?? cause?.message ?? err.message;
  return text
    .replace(/^\(HTTP code \d+\) [^-]*- /, '')
    .replace(/^rpc error: code = \w+ desc = /, '')
    .trim();
}

/**
 * An Engine refusal of a stack object as a request error naming the compose
 * key it came from (`services.web: network frontend not found`). The Engine's
 * answer is a fault of the file when it answered at all with a 4xx, or with a
 * 500 whose message is about the request (Engine 20.10 answers an unknown
 * network or a bad constraint with 500). No answer, or a swarm that cannot
 * decide, stays UNAVAILABLE (503).
 */
export function asRequestFault(err: unknown, key: string): unknown {
  if (!(err instanceof DomainError)) return err;
  const status = engineStatus(err);
  if (status === undefined) return err;
  const message = engineMessage(err);
  const fault =
    err.code === 'INVALID' ||
    err.code === 'NOT_FOUND' ||
    (status >= 400 && status < 500 && err.code !== 'CONFLICT' && err.code !== 'FORBIDDEN') ||
    (status === 500 && REQUEST_FAULT.test(message) && !ENGINE_FAULT.test(message));
  if (!fault) return err;
  return new DomainError('INVALID', `${key}: ${message}`, { key, engineStatus: status }, { cause: err });
}
