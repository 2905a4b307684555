import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DockerClient } from '../docker.client';
import { onLines } from '../json-lines';
import { LogDemuxer } from '../log-demux';
import type { TaskLogLine } from './node-facts';

export interface KeptTaskLogs {
  taskId: string;
  serviceName?: string;
  containerId: string;
  keptAt: string;
  lines: TaskLogLine[];
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/**
 * Swarm removes a task's container when its service is removed, and with it
 * the logs. The agent keeps the last lines of every task container that stops
 * on its node (read at the Engine's `die` event, before the removal), so the
 * logs of a task whose service is gone can still be read, for a while: the
 * last `maxTasks` stopped tasks, `maxLines` lines each.
 */
export class TaskLogKeeper {
  private readonly kept = new Map<string, KeptTaskLogs>();
  private stream?: Readable;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly client: DockerClient,
    private readonly opts: { maxTasks?: number; maxLines?: number; onError?: (message: string) => void } = {},
  ) {}

  start(): void {
    this.stopped = false;
    void this.subscribe();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.stream?.destroy();
  }

  get(taskId: string): KeptTaskLogs | undefined {
    return this.kept.get(taskId);
  }

  get size(): number {
    return this.kept.size;
  }

  private async subscribe(): Promise<void> {
    try {
      const stream = (await this.client.streams.getEvents({
        filters: JSON.stringify({ type: ['container'], event: ['die'], label: ['com.docker.swarm.task.id'] }),
      })) as unknown as Readable;
      this.stream = stream;
      onLines(stream, (line) => void this.onEvent(line));
      stream.on('close', () => this.again());
      stream.on('error', () => this.again());
    } catch (err) {
      this.opts.onError?.(`container events: ${(err as Error).message}`);
      this.again();
    }
  }

  private again(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.subscribe(), 2000);
    this.retry.unref();
  }

  private async onEvent(line: string): Promise<void> {
    let e: EngineEvent;
    try {
      e = JSON.parse(line) as EngineEvent;
    } catch {
      return;
    }
    const id = e.Actor?.ID;
    const taskId = e.Actor?.Attributes?.['com.docker.swarm.task.id'];
    if (!id || !taskId) return;
    try {
      const container = this.client.api.getContainer(id);
      const info = (await container.inspect()) as Docker.ContainerInspectInfo;
      const raw = (await container.logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail: this.opts.maxLines ?? 500,
        timestamps: true,
      })) as unknown as Buffer;
      const demux = new LogDemuxer(info.Config?.Tty === true);
      const lines = [...demux.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), ...demux.flush()];
      this.kept.delete(taskId);
      this.kept.set(taskId, {
        taskId,
        serviceName: e.Actor?.Attributes?.['com.docker.swarm.service.name'],
        containerId: id,
        keptAt: new Date().toISOString(),
        lines,
      });
      while (this.kept.size > (this.opts.maxTasks ?? 200)) this.kept.delete(this.kept.keys().next().value as string);
    } catch (err) {
      this.opts.onError?.(`logs of stopped task ${taskId}: ${(err as Error).message}`);
    }
  }
}
