/**
 * The error every library throws. The code says what went wrong in terms an
 * operator (and an HTTP filter, and the MCP layer) can act on; the message says
 * it in words and names the field or object at fault.
 */
export const DOMAIN_ERROR_CODES = ['NOT_FOUND', 'CONFLICT', 'INVALID', 'UNAVAILABLE', 'FORBIDDEN', 'TIMEOUT'] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra, serialisable facts for the client (e.g. the fields that failed). */
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
