import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labWebImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const RULES = join(__dirname, '../../deploy/prometheus/alerts.yml');
const PREFIX = 't-prom-';
jest.setTimeout(180_000);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('the shipped Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 6 rules found/);
  });

  it('pass their promtool unit tests: SwarmRegistryUnreachable stays quiet without a configured registry', () => {
    const out = execFileSync('promtool', ['test', 'rules', RULES.replace(/\.yml$/, '.test.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });

  describe('a real Prometheus scraping the app on the lab', () => {
    let t: TestApp;
    let prom: ChildProcess | undefined;
    let dir: string;
    let promUrl: string;
    let promLog = '';

    beforeAll(async () => {
      await removeServices(PREFIX);
      t = await startTestApp();
      dir = mkdtempSync(join(tmpdir(), 'so-prom-'));
      // the shipped rules with a short `for:` so the test need not wait 30 s; nothing else changed
      writeFileSync(join(dir, 'alerts.yml'), readFileSync(RULES, 'utf8').replace(/for: 30s/g, 'for: 2s'));
      const target = new URL(t.url).host;
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  evaluation_interval: 1s',
          'rule_files: [alerts.yml]',
          'scrape_configs:',
          '  - job_name: swarm-orchestrator',
          `    static_configs: [{ targets: ['${target}'] }]`,
          '',
        ].join('\n'),
      );
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      prom = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prom.stderr!.on('data', (d) => (promLog += d.toString()));
      await eventually(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, `Prometheus ready (${promLog.slice(-500)})`);
    });

    afterAll(async () => {
      prom?.kill('SIGTERM');
      await removeServices(PREFIX);
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('evaluates SwarmServiceBelowReplicas to firing for a service that cannot reach its replicas', async () => {
      const name = `${PREFIX}below`;
      // no node carries this label: both replicas stay pending
      await labDocker().createService({
        Name: name,
        TaskTemplate: { ContainerSpec: { Image: labWebImage() }, Placement: { Constraints: ['node.labels.so-nowhere==1'] } },
        Mode: { Replicated: { Replicas: 2 } },
      } as any);
      const alert = await eventually(
        async () => {
          const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as any;
          return body.data.alerts.find(
            (a: any) => a.labels.alertname === 'SwarmServiceBelowReplicas' && a.labels.service === name && a.state === 'firing',
          );
        },
        60_000,
        'the alert to fire in Prometheus',
        500,
      );
      expect(alert.labels).toMatchObject({ severity: 'warning', job: 'swarm-orchestrator' });
      expect(alert.annotations.summary).toBe(`service ${name} below its desired replicas`);
      // the app says whether it has a registry, which the registry rule needs
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^swarm_registry_configured ${process.env.REGISTRY_URL ? 1 : 0}$`, 'm'));
      // and a healthy cluster's node rules stay quiet
      const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as any;
      const nodeDown = rules.data.groups[0].rules.find((r: any) => r.name === 'SwarmNodeDown');
      expect(nodeDown.health).toBe('ok');
      expect(nodeDown.state).toBe('inactive');
    });
  });
});
