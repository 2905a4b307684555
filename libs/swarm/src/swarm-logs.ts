import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DockerClient } from './docker.client';
import { SwarmServices } from './swarm-services';
import { toSwarmError } from './swarm-error';
import { LogDemuxer, parseServiceLogLine } from './log-demux';
import type { EngineNode, EngineService, EngineTask } from './engine.types';
import type { LogLine, LogOptions } from './swarm.types';

/** While following, how often to look whether the service still exists. */
const REMOVAL_CHECK_MS = 5000;

@Injectable()
export class SwarmLogs {
  constructor(
    private readonly docker: DockerClient,
    private readonly services: SwarmServices,
  ) {}

  /**
   * A service's logs with `docker service logs` semantics, one line at a time,
   * each saying which task (slot) and node it came from. With `follow` it
   * yields new lines until `signal` aborts or the service goes away: the
   * Engine never ends a removed service's log stream by itself, so while
   * following we look for the service every few seconds (one inspect).
   */
  async *logs(name: string, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    const what = `service "${name}"`;
    const service = await this.docker.run(what, (d) => d.getService(name).inspect() as Promise<EngineService>);
    const [tasks, nodes] = await Promise.all([
      this.docker.run(
        `tasks of ${what}`,
        (d) => d.listTasks({ filters: JSON.stringify({ service: [service.ID] }) }) as Promise<EngineTask[]>,
      ),
      this.docker.run('nodes', (d) => d.listNodes() as Promise<unknown> as Promise<EngineNode[]>),
    ]);
    const slots = new Map(tasks.map((t) => [t.ID, t.Slot]));
    const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname]));
    const tty = Boolean(service.Spec?.TaskTemplate?.ContainerSpec?.TTY);
    const client = opts.follow ? this.docker.streams : this.docker.api;
    const params = {
      stdout: true,
      stderr: true,
      details: true,
      follow: Boolean(opts.follow),
      timestamps: Boolean(opts.timestamps),
      tail: opts.tail === undefined ? 'all' : String(opts.tail),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
    };
    let stream: Readable;
    try {
      // the Engine takes tail "all", which dockerode's types do not know
      const res: unknown = await client
        .getService(service.ID)
        .logs(params as unknown as Parameters<ReturnType<typeof client.getService>['logs']>[0]);
      stream = Buffer.isBuffer(res) ? Readable.from([res]) : (res as Readable);
    } catch (err) {
      throw toSwarmError(err, what, this.docker.endpoint);
    }
    const abort = () => stream.destroy();
    opts.signal?.addEventListener('abort', abort, { once: true });
    let removed = false;
    const watch = opts.follow
      ? setInterval(() => {
          // a daemon that does not answer may come back: only "not found" ends the stream
          this.services.exists(service.ID).then(
            (present) => {
              if (present) return;
              removed = true;
              stream.destroy();
            },
            () => undefined,
          );
        }, REMOVAL_CHECK_MS)
      : undefined;
    const demux = new LogDemuxer(tty);
    const toLine = ({ stream: s, text }: { stream: 'stdout' | 'stderr'; text: string }): LogLine => {
      const { timestamp, attrs, message } = parseServiceLogLine(text, Boolean(opts.timestamps));
      const taskId = attrs['com.docker.swarm.task.id'];
      const nodeId = attrs['com.docker.swarm.node.id'];
      return {
        timestamp,
        stream: s,
        taskId,
        taskSlot: taskId ? slots.get(taskId) : undefined,
        nodeId,
        nodeHostname: nodeId ? hostnames.get(nodeId) : undefined,
        message,
      };
    };
    try {
      for await (const chunk of stream) {
        for (const l of demux.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))) yield toLine(l);
      }
      for (const l of demux.flush()) yield toLine(l);
    } catch (err) {
      if (opts.signal?.aborted || removed) return;
      throw toSwarmError(err, what, this.docker.endpoint);
    } finally {
      clearInterval(watch);
      opts.signal?.removeEventListener('abort', abort);
      stream.destroy();
    }
  }
}
