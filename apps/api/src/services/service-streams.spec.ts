import { DomainError } from '@app/common';
import type { LogLine } from '@app/swarm';
import type { SseMessage } from '../common/sse';
import type { ServiceLogsService } from './service-logs.service';
import { logEvents } from './service-streams';

/** A deployment service whose log stream ends after `lines`, and whose service then answers `after`. */
function deploymentsWhere(lines: string[], after: () => Promise<boolean>): ServiceLogsService {
  return {
    ensureDeployed: () => Promise.resolve(),
    isDeployed: after,
    logs: async function* () {
      for (const message of lines) yield { stream: 'stdout', message } as LogLine;
    },
  } as unknown as ServiceLogsService;
}

async function collect(deployments: ServiceLogsService, signal = new AbortController().signal): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of logEvents(deployments, 'web', { follow: true }, signal)) out.push(m);
  return out;
}

describe('logEvents', () => {
  it('opens, streams lines, and ends saying the service was removed when it is gone', async () => {
    const events = await collect(deploymentsWhere(['a', 'b'], () => Promise.resolve(false)));
    expect(events.map((e) => e.event)).toEqual(['open', 'line', 'line', 'end']);
    expect(events[3].data).toEqual({ service: 'web', removed: true, reason: 'the service was removed from the swarm' });
  });

  it('does not call it a removal when Docker is unreachable: the client reconnects', async () => {
    const events = await collect(deploymentsWhere([], () => Promise.reject(new DomainError('UNAVAILABLE', 'Docker is unreachable'))));
    expect(events.at(-1)).toEqual({ event: 'end', data: { service: 'web', removed: false, reason: 'the Engine closed the log stream' } });
  });

  it('sends no end event when the client left', async () => {
    const left = new AbortController();
    left.abort();
    const events = await collect(
      deploymentsWhere(['a'], () => Promise.resolve(true)),
      left.signal,
    );
    expect(events.map((e) => e.event)).toEqual(['open', 'line']);
  });
});
