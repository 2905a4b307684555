import type { Readable } from 'node:stream';

/** An interactive command in a task's container, with a terminal. */
export interface ExecSessionOptions {
  /** The command and its arguments, as the Engine's `Cmd` (no shell is added). */
  command: string[];
  /** The terminal's size at the start; the Engine's default (80×24) when absent. */
  cols?: number;
  rows?: number;
}

/** A running interactive exec: raw terminal bytes out, keystrokes in. */
export interface ExecSession {
  /** The Engine's exec id. */
  readonly id: string;
  readonly containerId: string;
  /** What the terminal shows (stdout and stderr are one stream with a TTY). Ends when the process ends or the session closes. */
  readonly output: Readable;
  /** Sends keystrokes (or pasted text) to the process. */
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** The process's exit code once it ends (null when it could not be read, e.g. the session was closed first). */
  readonly exited: Promise<number | null>;
  /**
   * Ends the session: the process and what it started are hung up (SIGHUP, then
   * SIGKILL), since the Engine leaves an exec running when its client goes away.
   */
  close(): Promise<void>;
}

/** One non-interactive command, its output kept up to a cap. */
export interface ExecRunOptions {
  command: string[];
  /** Bytes kept of stdout and stderr together; past it the rest is dropped and `truncated` says so. */
  maxBytes?: number;
  /** Past this the run stops waiting and the process is killed; `timedOut` says so. */
  timeoutMs?: number;
}

export interface ExecRunResult {
  stdout: string;
  stderr: string;
  /** null when the command did not finish (timed out). */
  exitCode: number | null;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
}
