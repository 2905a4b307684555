import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Subject, Observable, BehaviorSubject } from 'rxjs';
import { DockerClient } from './docker.client';
import { onLines } from './json-lines';
import type { SwarmEvent, SwarmEventKind } from './swarm.types';

const KINDS: SwarmEventKind[] = ['node', 'service', 'container'];
const MAX_BACKOFF_MS = 5000;

/**
 * One subscription to the Engine's /events for the whole app, reconnecting
 * with backoff whenever the stream ends (daemon restarted, socket gone), so it
 * survives the daemon going away and coming back.
 */
@Injectable()
export class SwarmEvents implements OnModuleDestroy {
  private readonly logger = new Logger(SwarmEvents.name);
  private readonly subject = new Subject<SwarmEvent>();
  private readonly state = new BehaviorSubject<boolean>(false);
  private stream?: Readable;
  private started = false;
  private stopped = false;
  private backoff = 250;
  private timer?: NodeJS.Timeout;

  constructor(private readonly docker: DockerClient) {}

  /** Every event; connects on first use. */
  get events$(): Observable<SwarmEvent> {
    this.start();
    return this.subject.asObservable();
  }

  /** true while the stream is open; a reconnect emits false then true. */
  get connected$(): Observable<boolean> {
    this.start();
    return this.state.asObservable();
  }

  get connected(): boolean {
    return this.state.value;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream?.destroy();
    this.subject.complete();
    this.state.complete();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const since = Math.floor(Date.now() / 1000);
      const stream = (await this.docker.streams.getEvents({
        since,
        filters: JSON.stringify({ type: KINDS }),
      } as object)) as unknown as Readable;
      if (this.stopped) {
        stream.destroy();
        return;
      }
      this.stream = stream;
      this.backoff = 250;
      this.state.next(true);
      onLines(stream, (line) => this.emit(line));
      stream.on('error', () => stream.destroy());
      stream.on('close', () => this.reconnect('stream closed'));
    } catch (err) {
      this.reconnect((err as Error).message);
    }
  }

  private reconnect(reason: string): void {
    if (this.stopped) return;
    if (this.state.value) {
      this.state.next(false);
      this.logger.warn(`Docker event stream lost (${reason}); reconnecting`);
    }
    this.stream = undefined;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  private emit(line: string): void {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line);
      const attributes: Record<string, string> = e.Actor?.Attributes ?? {};
      const kind: SwarmEventKind = e.Type === 'container' && attributes['com.docker.swarm.task.id'] ? 'task' : e.Type;
      this.subject.next({
        kind,
        action: e.Action ?? e.status,
        id: e.Actor?.ID ?? e.id,
        name: attributes.name ?? attributes['com.docker.swarm.service.name'],
        attributes,
        time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
      });
    } catch {
      this.logger.debug(`unparsable event line: ${line.slice(0, 200)}`);
    }
  }
}
