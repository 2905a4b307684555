import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DockerClient } from '../docker.client';
import { onLines } from '../json-lines';
import { ContainerFigures, EngineStatsFrame, figuresOf } from './container-stats';

export interface ContainerUsage extends ContainerFigures {
  containerId: string;
  containerName: string;
  /** Swarm labels; absent for a container that is not a swarm task. */
  serviceName?: string;
  taskId?: string;
  taskName?: string;
  stack?: string;
  /** When the Engine read this frame. */
  readAt: string;
}

export interface StatsCollectorOptions {
  /** How often the running containers are listed (new ones get a stream, gone ones lose theirs). */
  refreshMs?: number;
  onError?: (message: string) => void;
}

interface Tracked {
  stream?: Readable;
  latest?: ContainerUsage;
  labels: Record<string, string>;
  name: string;
}

/**
 * Keeps ONE streaming stats request open per running container (the Engine
 * sends a frame about every second on it) and remembers each container's
 * latest frame, so a sample costs no Engine request at all. The container
 * list is refreshed every few seconds: one cheap request for all of them.
 */
export class NodeStatsCollector {
  private readonly tracked = new Map<string, Tracked>();
  private timer?: NodeJS.Timeout;
  private opened = 0;
  private readonly refreshMs: number;

  constructor(
    private readonly client: DockerClient,
    private readonly opts: StatsCollectorOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? 3000;
  }

  /** Stats streams opened since start: one per container seen, unless a stream broke. */
  get streamsOpened(): number {
    return this.opened;
  }

  get streamsOpen(): number {
    return [...this.tracked.values()].filter((t) => t.stream).length;
  }

  async start(): Promise<void> {
    await this.refresh().catch((err: Error) => this.opts.onError?.(err.message));
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => this.opts.onError?.(err.message)), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const t of this.tracked.values()) t.stream?.destroy();
    this.tracked.clear();
  }

  /** The latest figures of every running container that has sent a frame. */
  sample(): ContainerUsage[] {
    return [...this.tracked.values()].flatMap((t) => (t.latest ? [t.latest] : []));
  }

  async refresh(): Promise<void> {
    const running = await this.client.run(
      'running containers',
      (d) => d.listContainers({ filters: JSON.stringify({ status: ['running'] }) }) as Promise<Docker.ContainerInfo[]>,
    );
    const ids = new Set(running.map((c) => c.Id));
    for (const [id, t] of this.tracked) {
      if (!ids.has(id)) {
        t.stream?.destroy();
        this.tracked.delete(id);
      }
    }
    for (const c of running) {
      const t = this.tracked.get(c.Id);
      if (t?.stream) continue;
      const entry: Tracked = t ?? { labels: c.Labels ?? {}, name: (c.Names?.[0] ?? c.Id).replace(/^\//, '') };
      this.tracked.set(c.Id, entry);
      this.open(c.Id, entry);
    }
  }

  private open(id: string, entry: Tracked): void {
    this.opened++;
    const container = this.client.streams.getContainer(id);
    void (container.stats({ stream: true }) as unknown as Promise<Readable>).then(
      (stream) => {
        if (this.tracked.get(id) !== entry) {
          stream.destroy();
          return;
        }
        entry.stream = stream;
        onLines(stream, (line) => this.frame(id, entry, line));
        const closed = () => {
          // reopened by the next refresh if the container still runs
          if (entry.stream === stream) entry.stream = undefined;
        };
        stream.on('end', closed);
        stream.on('close', closed);
        stream.on('error', closed);
      },
      (err: Error) => this.opts.onError?.(`stats of ${entry.name}: ${err.message}`),
    );
  }

  private frame(id: string, entry: Tracked, line: string): void {
    let frame: EngineStatsFrame;
    try {
      frame = JSON.parse(line) as EngineStatsFrame;
    } catch {
      return;
    }
    // the first frame has no previous CPU reading: keep the memory, CPU comes with the next one
    const l = entry.labels;
    entry.latest = {
      containerId: id,
      containerName: entry.name,
      serviceName: l['com.docker.swarm.service.name'],
      taskId: l['com.docker.swarm.task.id'],
      taskName: l['com.docker.swarm.task.name'],
      stack: l['com.docker.stack.namespace'],
      readAt: frame.read ?? new Date().toISOString(),
      ...figuresOf(frame),
    };
  }
}
