import { PassThrough } from 'node:stream';
import { DockerClient } from './docker.client';
import { SwarmEvents } from './swarm-events';
import type { SwarmEvent } from './swarm.types';

const until = async (check: () => boolean, what: string, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const line = (e: object) => `${JSON.stringify(e)}\n`;

describe('SwarmEvents', () => {
  let events: SwarmEvents;
  afterEach(() => events?.onModuleDestroy());

  it('types the events, and reconnects with backoff when the stream ends or the daemon refuses', async () => {
    const streams: PassThrough[] = [];
    let attempts = 0;
    const getEvents = jest.fn(async () => {
      attempts++;
      // the second attempt finds the daemon down, as during a restart
      if (attempts === 2) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const s = new PassThrough();
      streams.push(s);
      return s;
    });
    events = new SwarmEvents({ streams: { getEvents } } as unknown as DockerClient);
    const seen: SwarmEvent[] = [];
    const states: boolean[] = [];
    events.events$.subscribe((e) => seen.push(e));
    events.connected$.subscribe((c) => states.push(c));

    await until(() => events.connected, 'the first connection');
    const taskAttrs = { 'com.docker.swarm.task.id': 't1', 'com.docker.swarm.service.name': 'web', name: 'web.1.t1' };
    // one event split across two chunks, then a node event and a line that is not JSON
    const first = line({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'c1', Attributes: taskAttrs },
      timeNano: 1_700_000_000_123_000_000,
    });
    streams[0].write(first.slice(0, 20));
    streams[0].write(
      first.slice(20) +
        line({ Type: 'node', Action: 'update', Actor: { ID: 'n1', Attributes: { name: 'rog1' } }, time: 1_700_000_001 }) +
        'garbage\n',
    );
    await until(() => seen.length === 2, 'two events');
    expect(seen[0]).toEqual({ kind: 'task', action: 'die', id: 'c1', name: 'web.1.t1', attributes: taskAttrs, time: 1_700_000_000_123 });
    expect(seen[1]).toMatchObject({ kind: 'node', action: 'update', id: 'n1', name: 'rog1', time: 1_700_000_001_000 });

    const lostAt = Date.now();
    streams[0].destroy();
    await until(() => !events.connected, 'the loss to be noticed');
    await until(() => streams.length === 2 && events.connected, 'the reconnection');
    // 250 ms after the loss, then 500 ms after the refused attempt
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(700);
    expect(attempts).toBe(3);
    expect(getEvents.mock.calls[2]).toEqual([
      expect.objectContaining({ filters: JSON.stringify({ type: ['node', 'service', 'container'] }) }),
    ]);

    streams[1].write(line({ Type: 'service', Action: 'create', Actor: { ID: 's1', Attributes: { name: 'web' } }, time: 1_700_000_002 }));
    await until(() => seen.length === 3, 'an event after the reconnection');
    expect(seen[2]).toMatchObject({ kind: 'service', action: 'create', name: 'web' });
    expect(states).toEqual([false, true, false, true]);
  });

  it('stops reconnecting once the module is destroyed', async () => {
    const getEvents = jest.fn(async () => {
      throw Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' });
    });
    events = new SwarmEvents({ streams: { getEvents } } as unknown as DockerClient);
    events.start();
    await until(() => getEvents.mock.calls.length >= 1, 'the first attempt');
    events.onModuleDestroy();
    const calls = getEvents.mock.calls.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(getEvents.mock.calls.length).toBe(calls);
  });
});
