import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import { DomainError } from '@app/common';
import { DockerClient } from '../docker.client';
import { ExecFrameReader } from './exec-frames';
import type { ExecRunOptions, ExecRunResult, ExecSession, ExecSessionOptions } from './exec.types';

/** The environment variable that marks every process of one exec, so it can be found and ended. */
export const EXEC_MARK_VARIABLE = 'SWARM_CONSOLE_SESSION';
export const DEFAULT_RUN_MAX_BYTES = 64 * 1024;
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
const MAX_TERMINAL_SIDE = 1000;
/** How long the exit code may take to show in the exec's inspect once its stream ended. */
const EXIT_READ_MS = 2_000;
const TASK_LABEL = 'com.docker.swarm.task.id';

interface EngineContainerSummary {
  Id: string;
  State?: string;
  Status?: string;
}

interface EngineExecInspect {
  Running: boolean;
  ExitCode: number | null;
}

/**
 * `docker exec` against this Engine: an interactive command with a terminal
 * (attach, resize, exit code) and a one-shot command with its output capped.
 * The agent uses it on its own node's Engine; only the container's node can
 * exec in it, since an exec is not a swarm operation.
 */
export class ContainerExec {
  constructor(private readonly docker: DockerClient) {}

  /** The running container of a swarm task on this Engine; NOT_FOUND when the task has none here, CONFLICT when it is not running. */
  async taskContainer(taskId: string): Promise<string> {
    if (!/^[a-z0-9]{1,64}$/i.test(taskId)) throw new DomainError('INVALID', `taskId: "${taskId}" is not a task id`);
    const containers = await this.docker.run(
      `containers of task ${taskId}`,
      (d) => d.listContainers({ all: true, filters: { label: [`${TASK_LABEL}=${taskId}`] } }) as Promise<EngineContainerSummary[]>,
    );
    if (containers.length === 0) {
      throw new DomainError('NOT_FOUND', `task ${taskId} has no container on this node (${this.docker.endpoint})`);
    }
    const running = containers.find((c) => c.State === 'running');
    if (!running) {
      throw new DomainError('CONFLICT', `task ${taskId}'s container is not running (${containers[0].Status ?? containers[0].State})`);
    }
    return running.Id;
  }

  /** Starts an interactive command with a TTY in a running container. */
  async open(containerId: string, opts: ExecSessionOptions): Promise<ExecSession> {
    checkCommand(opts.command);
    const mark = randomUUID();
    const created = await this.docker.run(`exec in container ${short(containerId)}`, (d) =>
      d.getContainer(containerId).exec({
        Cmd: opts.command,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: [`${EXEC_MARK_VARIABLE}=${mark}`, 'TERM=xterm-256color'],
      }),
    );
    // the hijacked connection lives as long as the session: the client without an idle timeout
    const stream = (await this.docker.run(`exec start in container ${short(containerId)}`, () =>
      this.docker.streams.getExec(created.id).start({ hijack: true, stdin: true, Tty: true }),
    )) as Duplex;
    const output = new PassThrough();
    stream.pipe(output);
    let closed = false;
    const streamEnded = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const exited = streamEnded.then(async () => {
      output.end();
      return closed ? null : this.exitCode(created.id);
    });
    const session: ExecSession = {
      id: created.id,
      containerId,
      output,
      write: (data) => {
        if (!closed && stream.writable) stream.write(data);
      },
      resize: (cols, rows) => this.resize(created.id, cols, rows),
      exited,
      close: async () => {
        if (closed) return;
        closed = true;
        stream.end();
        stream.destroy();
        const state = await this.inspectExec(created.id).catch(() => undefined);
        if (state?.Running !== false) await this.endMarked(containerId, mark);
      },
    };
    if (opts.cols && opts.rows) {
      // Engine API 1.41 has no size at create: resize at once, before the shell draws its prompt
      await session.resize(opts.cols, opts.rows).catch(() => undefined);
    }
    return session;
  }

  async resize(execId: string, cols: number, rows: number): Promise<void> {
    for (const [name, value] of [
      ['cols', cols],
      ['rows', rows],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_TERMINAL_SIDE) {
        throw new DomainError('INVALID', `${name}: must be a whole number from 1 to ${MAX_TERMINAL_SIDE}`);
      }
    }
    await this.docker.run(`resize of exec ${short(execId)}`, (d) => d.getExec(execId).resize({ h: rows, w: cols }));
  }

  /**
   * Runs one command without a terminal and returns its output, cut at
   * `maxBytes` (stdout and stderr together; the rest is read and dropped so the
   * process never blocks on a full pipe). Past `timeoutMs` the process is ended
   * and what it wrote so far is returned with `timedOut`.
   */
  async run(containerId: string, opts: ExecRunOptions): Promise<ExecRunResult> {
    checkCommand(opts.command);
    const maxBytes = opts.maxBytes ?? DEFAULT_RUN_MAX_BYTES;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const started = Date.now();
    const mark = randomUUID();
    const created = await this.docker.run(`exec in container ${short(containerId)}`, (d) =>
      d.getContainer(containerId).exec({
        Cmd: opts.command,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Env: [`${EXEC_MARK_VARIABLE}=${mark}`],
      }),
    );
    const stream = (await this.docker.run(`exec start in container ${short(containerId)}`, () =>
      this.docker.streams.getExec(created.id).start({ hijack: true, stdin: false }),
    )) as Readable;
    const reader = new ExecFrameReader(maxBytes);
    let timer: NodeJS.Timeout | undefined;
    const finished = await new Promise<boolean>((resolve) => {
      stream.on('data', (chunk: Buffer) => reader.push(chunk));
      stream.once('end', () => resolve(true));
      stream.once('close', () => resolve(true));
      stream.once('error', () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    clearTimeout(timer);
    stream.destroy();
    let exitCode: number | null = null;
    if (finished) exitCode = await this.exitCode(created.id);
    else await this.endMarked(containerId, mark);
    const out = reader.result();
    return { ...out, exitCode, timedOut: !finished, durationMs: Date.now() - started };
  }

  private inspectExec(execId: string): Promise<EngineExecInspect> {
    return this.docker.run(`exec ${short(execId)}`, (d) => d.getExec(execId).inspect() as Promise<EngineExecInspect>);
  }

  /** The exit code once the Engine has it: it may lag the end of the stream by a moment. */
  private async exitCode(execId: string): Promise<number | null> {
    const until = Date.now() + EXIT_READ_MS;
    for (;;) {
      const state = await this.inspectExec(execId).catch(() => undefined);
      if (!state) return null;
      if (!state.Running) return state.ExitCode;
      if (Date.now() > until) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Ends every process of one exec and what it started: the Engine has no way to
   * stop an exec, and closing its connection leaves it running (a shell would
   * wait for input forever). The processes carry the exec's mark in their
   * environment; a second exec hangs them up, then kills what is left. Needs a
   * `sh` with `kill` and `grep` in the image (busybox, Debian, Alpine have them);
   * without, the process stays until the container ends.
   */
  private async endMarked(containerId: string, mark: string): Promise<void> {
    const script =
      `pids=; for p in /proc/[0-9]*; do grep -q "${EXEC_MARK_VARIABLE}=${mark}" "$p/environ" 2>/dev/null && pids="$pids \${p#/proc/}"; done; ` +
      '[ -z "$pids" ] && exit 0; kill -HUP $pids 2>/dev/null; sleep 1; kill -KILL $pids 2>/dev/null; exit 0';
    try {
      const created = await this.docker.run(`exec in container ${short(containerId)}`, (d) =>
        d.getContainer(containerId).exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true }),
      );
      const stream = (await this.docker.run(`exec start in container ${short(containerId)}`, () =>
        this.docker.streams.getExec(created.id).start({ hijack: true, stdin: false }),
      )) as Readable;
      stream.resume();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        stream.once('end', () => (clearTimeout(timer), resolve()));
        stream.once('close', () => (clearTimeout(timer), resolve()));
        stream.once('error', () => (clearTimeout(timer), resolve()));
      });
      stream.destroy();
    } catch {
      // a container that stopped meanwhile took its processes with it; one without sh keeps them until it ends
    }
  }
}

function checkCommand(command: string[]): void {
  if (!Array.isArray(command) || command.length === 0 || command.some((p) => typeof p !== 'string')) {
    throw new DomainError('INVALID', 'command: must be a non-empty list of strings');
  }
  if (command[0].trim() === '') throw new DomainError('INVALID', 'command: the program name is empty');
}

function short(id: string): string {
  return id.slice(0, 12);
}
