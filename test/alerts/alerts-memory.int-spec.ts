import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AlertChannelStore, AlertMuteStore, AlertRulesFile, AlertStore, CatalogDatabase } from '@app/catalog';
import { AlertDispatcher } from '../../apps/api/src/alerts/alert-dispatcher';
import { AlertEngine } from '../../apps/api/src/alerts/alert-engine';
import type { HealthSnapshot } from '../../apps/api/src/health/health-snapshot';
import { startHttpReceiver } from './receivers';

jest.setTimeout(300_000);
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * The engine, the store on a real SQLite file and the dispatcher sending to a
 * real receiver, driven through many fire/resolve cycles: what stays in memory
 * must not grow with the history (it lives in SQLite).
 */
describe('alerts memory', () => {
  it('stays flat while the history grows to 1,000 events (500 alerts fired and resolved, each sent)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-alert-mem-'));
    const receiver = await startHttpReceiver(() => 200, { keep: false });
    const db = new CatalogDatabase({ dataDir: dir, definitionsDir: dir });
    const store = new AlertStore(db);
    const channels = new AlertChannelStore(db);
    const dispatcher = new AlertDispatcher(channels);
    const base: HealthSnapshot = {
      status: 'healthy',
      reasons: [],
      docker: { reachable: true, endpoint: 'unix:///var/run/docker.sock' },
      registry: { configured: false, reachable: false },
      nodes: [],
      services: [],
      lastPollAt: new Date().toISOString(),
      eventStreamConnected: true,
    };
    let snap = base;
    const engine = new AlertEngine(
      { snapshot: () => snap, changes$: new Subject() } as any,
      { tasks: async () => [] } as any,
      store,
      new AlertMuteStore(db),
      new AlertRulesFile({ dataDir: dir, definitionsDir: dir }),
      dispatcher,
    );
    await channels.save({
      name: 'hook',
      type: 'webhook',
      enabled: true,
      severities: [],
      rules: [],
      config: { url: `${receiver.url}/hook`, secret: 's'.repeat(16) },
    });
    const down = (i: number): HealthSnapshot => ({
      ...base,
      nodes: [{ id: `n${i % 7}`, hostname: `node${i % 7}`, role: 'worker', state: 'down', availability: 'active', ok: false }],
    });
    const cycle = async (i: number) => {
      snap = down(i);
      await engine.evaluate();
      snap = base;
      await engine.evaluate();
      // the dispatcher keeps at most 100 waiting per channel (then drops the oldest): pace the cycles so every webhook is sent
      while ((dispatcher.backlog().get(1) ?? 0) > 50) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      const samples: string[] = [];
      // the first couple of hundred cycles warm up JIT, TypeORM's metadata and the HTTP client's pool
      for (let i = 0; i < 200; i++) await cycle(i);
      const warm = heapMb();
      for (let i = 200; i < 500; i++) {
        await cycle(i);
        if (i % 100 === 99) samples.push(`${i + 1}: ${heapMb().toFixed(1)} MB`);
      }
      console.log(samples.join(', '));
      // let the receiver catch up
      const end = Date.now() + 60_000;
      while (receiver.count() < 1000 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const after = heapMb();
      const history = await store.events({ limit: 1, offset: 0 });
      console.log(
        `alerts memory: heap ${warm.toFixed(1)} MB after 200 alerts, ${after.toFixed(1)} MB after 500 (${history.total} events in history, ${receiver.count()} webhooks)`,
      );
      expect(history.total).toBe(1000);
      expect(receiver.count()).toBe(1000);
      expect(after - warm).toBeLessThan(2);
    } finally {
      engine.onModuleDestroy();
      dispatcher.onModuleDestroy();
      await db.onModuleDestroy();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
