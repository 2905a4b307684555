/*
 * The console's wire format, the same on both hops (browser ↔ app ↔ agent):
 * binary WebSocket messages carry terminal bytes both ways; text messages carry
 * one JSON control message each.
 */

/** From the terminal's side: the window changed size. */
export interface ConsoleResize {
  type: 'resize';
  cols: number;
  rows: number;
}
export type ConsoleClientMessage = ConsoleResize;

/** From the exec's side. `ready` once the command runs; `exit` when it ends by itself; `error` when it could not start or a control failed; `end` when the app ended the session (e.g. the token was revoked). */
export type ConsoleServerMessage =
  | { type: 'ready'; containerId: string; execId: string; [extra: string]: unknown }
  | { type: 'exit'; exitCode: number | null }
  | { type: 'error'; code: string; message: string }
  | { type: 'end'; reason: string; message: string };

const MAX_SIDE = 1000;

/** Reads one control message from the terminal's side; `message` names the problem when it is not one. */
export function parseConsoleControl(text: string): { ok: true; message: ConsoleClientMessage } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'a text message must be JSON, e.g. {"type":"resize","cols":80,"rows":24}' };
  }
  const m = value as Partial<ConsoleResize> | null;
  if (!m || typeof m !== 'object' || m.type !== 'resize') return { ok: false, message: 'type: must be "resize"' };
  for (const side of ['cols', 'rows'] as const) {
    const n = m[side];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SIDE) {
      return { ok: false, message: `${side}: must be a whole number from 1 to ${MAX_SIDE}` };
    }
  }
  return { ok: true, message: { type: 'resize', cols: m.cols!, rows: m.rows! } };
}
