import type Docker from 'dockerode';
import { DomainError } from '@app/common';
import { DockerClient } from '../docker.client';
import { LogDemuxer } from '../log-demux';
import type { TaskLogKeeper } from './task-log-keeper';

/** The Engine data root's use, as `docker system df` counts it. */
export interface NodeDiskUse {
  images: { count: number; active: number; sizeBytes: number; reclaimableBytes: number };
  containers: { count: number; active: number; sizeBytes: number; reclaimableBytes: number };
  volumes: { count: number; active: number; sizeBytes: number; reclaimableBytes: number };
  buildCache: { count: number; sizeBytes: number; reclaimableBytes: number };
  totalBytes: number;
}

export interface NodeImage {
  id: string;
  tags: string[];
  digests: string[];
  sizeBytes: number;
  createdAt: string;
  /** Containers on this node using it (-1 when the Engine did not count). */
  containers: number;
}

export interface TaskLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

interface EngineDf {
  LayersSize?: number;
  Images?: Array<{ Size?: number; SharedSize?: number; Containers?: number }> | null;
  Containers?: Array<{ SizeRw?: number; State?: string }> | null;
  Volumes?: Array<{ UsageData?: { Size?: number; RefCount?: number } }> | null;
  BuildCache?: Array<{ Size?: number; InUse?: boolean; Shared?: boolean }> | null;
}

/** What the manager cannot tell about a node: its disk, its images, the logs of containers whose service is gone. */
export class NodeFacts {
  constructor(
    private readonly client: DockerClient,
    private readonly kept?: TaskLogKeeper,
  ) {}

  async diskUse(): Promise<NodeDiskUse> {
    const df = await this.client.run('disk use', (d) => d.df() as Promise<EngineDf>);
    return diskUseOf(df);
  }

  async images(): Promise<NodeImage[]> {
    const list = await this.client.run('images', (d) => d.listImages() as Promise<Docker.ImageInfo[]>);
    return list
      .map((i) => ({
        id: i.Id,
        tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
        digests: (i.RepoDigests ?? []).filter((t) => !t.startsWith('<none>')),
        sizeBytes: i.Size,
        createdAt: new Date(i.Created * 1000).toISOString(),
        containers: i.Containers ?? -1,
      }))
      .sort((a, b) => (a.tags[0] ?? a.id).localeCompare(b.tags[0] ?? b.id));
  }

  /** The logs of a task's container on this node, whether or not its service (or the container) still runs. */
  async taskLogs(taskId: string, opts: { tail?: number; timestamps?: boolean } = {}): Promise<TaskLogLine[]> {
    const containers = await this.client.run(
      `containers of task ${taskId}`,
      (d) =>
        d.listContainers({ all: true, filters: JSON.stringify({ label: [`com.docker.swarm.task.id=${taskId}`] }) }) as Promise<
          Docker.ContainerInfo[]
        >,
    );
    const container = containers[0];
    if (!container) {
      // the service (and with it the container) is gone: the lines kept when it stopped
      const kept = this.kept?.get(taskId);
      if (!kept) throw new DomainError('NOT_FOUND', `task ${taskId} has no container on this node, and no logs were kept for it`);
      const lines = opts.timestamps ? kept.lines : kept.lines.map((l) => ({ ...l, text: l.text.replace(/^\S+Z /, '') }));
      return opts.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - opts.tail));
    }
    const tty = await this.client.run(
      `container of task ${taskId}`,
      async (d) => ((await d.getContainer(container.Id).inspect()) as { Config?: { Tty?: boolean } }).Config?.Tty === true,
    );
    const raw = await this.client.run(
      `logs of task ${taskId}`,
      (d) =>
        d.getContainer(container.Id).logs({
          stdout: true,
          stderr: true,
          follow: false,
          tail: opts.tail ?? 200,
          timestamps: opts.timestamps ?? false,
        }) as unknown as Promise<Buffer>,
    );
    const demux = new LogDemuxer(tty);
    return [...demux.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), ...demux.flush()];
  }
}

export function diskUseOf(df: EngineDf): NodeDiskUse {
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  const imageSize = df.LayersSize ?? images.reduce((s, i) => s + (i.Size ?? 0) - (i.SharedSize ?? 0), 0);
  const activeImages = images.filter((i) => (i.Containers ?? 0) > 0);
  const activeImageBytes = activeImages.reduce((s, i) => s + (i.Size ?? 0) - Math.max(0, i.SharedSize ?? 0), 0);
  const containerSize = containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const runningSize = containers.filter((c) => c.State === 'running').reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const volumeSize = volumes.reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const usedVolumeSize = volumes
    .filter((v) => (v.UsageData?.RefCount ?? 0) > 0)
    .reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cacheSize = cache.filter((c) => !c.Shared).reduce((s, c) => s + (c.Size ?? 0), 0);
  const cacheReclaimable = cache.filter((c) => !c.Shared && !c.InUse).reduce((s, c) => s + (c.Size ?? 0), 0);
  return {
    images: {
      count: images.length,
      active: activeImages.length,
      sizeBytes: imageSize,
      reclaimableBytes: Math.max(0, imageSize - activeImageBytes),
    },
    containers: {
      count: containers.length,
      active: containers.filter((c) => c.State === 'running').length,
      sizeBytes: containerSize,
      reclaimableBytes: containerSize - runningSize,
    },
    volumes: {
      count: volumes.length,
      active: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      sizeBytes: volumeSize,
      reclaimableBytes: volumeSize - usedVolumeSize,
    },
    buildCache: { count: cache.length, sizeBytes: cacheSize, reclaimableBytes: cacheReclaimable },
    totalBytes: imageSize + containerSize + volumeSize + cacheSize,
  };
}
