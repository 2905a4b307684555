/**
 * The image lifecycle's section of npm run bench: from a push's last byte to
 * "update available" on /api/events, and from a push to a converged redeploy
 * against a human's `docker service update --force --image` after the same push.
 */
import { execFileSync } from 'node:child_process';
import { labEnv } from '../test/fixtures/lab';
import { collectSse } from '../test/fixtures/sse';
import { startTestApp } from '../test/fixtures/test-app';
import { getManifest, labNotify, pushVariant, relabel } from '../test/images/image-fixtures';

const SECRET = 'so_bench_notify_secret_0123456789';
const REPO = 'bench-img';
const NOTIFY = 'bench-img-notify';
const REDEPLOY = 'bench-img-redeploy';
const CLI = 'bench-img-cli';

type Row = (what: string, ours: string, reference: string, ratio: string, goal: string) => void;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(0)} ms`;

export async function benchImageLifecycle(row: Row, pushes = 10, redeploys = 3): Promise<void> {
  const env = labEnv();
  const registryUrl = env.REGISTRY_URL;
  const cli = (args: string[]) =>
    execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST }, stdio: ['ignore', 'pipe', 'pipe'] });
  const base = await getManifest(registryUrl, 'busybox', '1.0');
  await pushVariant(registryUrl, base, 'busybox', REPO, 'notify', relabel('start'));
  await pushVariant(registryUrl, base, 'busybox', REPO, 'redeploy', relabel('start'));
  const t = await startTestApp({ REGISTRY_NOTIFY_SECRET: SECRET, HEALTH_POLL_INTERVAL: '5' });
  labNotify(`${t.url}/api/registry/notifications`, SECRET);
  const live = async (name: string) =>
    ((await (await t.api('/api/services/live')).json()) as Array<{ name: string; imageDigest?: string }>).find((s) => s.name === name);
  try {
    const def = (name: string, tag: string, policy: string) => ({
      // sleep ignores SIGTERM: both sides stop old tasks after 1 s instead of Docker's 10 s
      name,
      image: `${env.LAB_REGISTRY}/${REPO}:${tag}`,
      command: ['sleep', '3600'],
      'x-update': policy,
      stop_grace_period: '1s',
      deploy: { update_config: { monitor: '2s' } },
    });
    for (const [name, tag, policy] of [
      [NOTIFY, 'notify', 'notify'],
      [REDEPLOY, 'redeploy', 'redeploy'],
    ]) {
      await t.api('/api/services', { method: 'POST', json: def(name, tag, policy) });
      await (await t.api(`/api/services/${name}/deploy?wait=true`, { method: 'POST' })).json();
    }

    const sse = collectSse(await t.api('/api/events'));
    await sse.waitFor((e) => e.event === 'snapshot', 5000, 'snapshot');
    const toEvent: number[] = [];
    for (let i = 0; i < pushes; i++) {
      const pushed = await pushVariant(registryUrl, base, 'busybox', REPO, 'notify', relabel(`n-${Date.now()}-${i}`));
      const e = await sse.waitFor(
        (x) => x.event === 'image-update' && x.data.subject === NOTIFY && x.data.data?.availableDigest === pushed.digest,
        10_000,
        'update available',
      );
      toEvent.push(e.receivedAt - pushed.pushedAt);
    }
    await sse.stop();
    row(
      `push's last byte → "update available" (SSE, ${pushes})`,
      `median ${ms(median(toEvent))}`,
      `max ${ms(Math.max(...toEvent))}`,
      '–',
      '< 2000 ms',
    );

    cli([
      'service',
      'create',
      '--detach',
      '--quiet',
      '--name',
      CLI,
      '--update-monitor',
      '2s',
      '--stop-grace-period',
      '1s',
      `${env.LAB_REGISTRY}/${REPO}:redeploy`,
      'sleep',
      '3600',
    ]);
    const ours: number[] = [];
    const human: number[] = [];
    for (let i = 0; i < redeploys; i++) {
      const pushed = await pushVariant(registryUrl, base, 'busybox', REPO, 'redeploy', relabel(`r-${Date.now()}-${i}`));
      const started = pushed.pushedAt;
      // converged: the registry's deploy in the history finished successfully on the new digest
      for (;;) {
        const history = (await (await t.api(`/api/services/${REDEPLOY}/history`)).json()) as Array<{
          actor?: string;
          status: string;
          imageDigest?: string;
          finishedAt?: string;
        }>;
        const done = history.find((h) => h.actor === 'registry' && h.imageDigest === pushed.digest && h.status !== 'in_progress');
        if (done) {
          if (done.status !== 'succeeded' || (await live(REDEPLOY))?.imageDigest !== pushed.digest)
            throw new Error(`bench redeploy did not converge: ${JSON.stringify(done)}`);
          ours.push(Date.now() - started);
          break;
        }
        if (Date.now() - started > 120_000) throw new Error('bench redeploy: no converged redeploy within 120 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      // the human: the same push, then the deploy script's command (waits for convergence like --detach=false)
      const again = await pushVariant(registryUrl, base, 'busybox', REPO, 'redeploy', relabel(`h-${Date.now()}-${i}`));
      cli(['service', 'update', '--force', '--quiet', '--image', `${env.LAB_REGISTRY}/${REPO}:redeploy`, CLI]);
      human.push(Date.now() - again.pushedAt);
      // the app redeploys its own service after that push too: let it finish before the next round
      for (let k = 0; k < 600 && (await live(REDEPLOY))?.imageDigest !== again.digest; k++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 3000));
    }
    row(
      `push → converged redeploy (x-update: redeploy, ${redeploys})`,
      `median ${ms(median(ours))}`,
      `docker service update --force --image ${ms(median(human))}`,
      `${(median(ours) / median(human)).toFixed(2)}×`,
      'no call at all; ≤ 1.5×',
    );
  } finally {
    labNotify('off');
    for (const name of [NOTIFY, REDEPLOY]) await t.api(`/api/services/${name}?force=true`, { method: 'DELETE' }).catch(() => undefined);
    try {
      cli(['service', 'rm', CLI]);
    } catch {
      // not created
    }
    await t.close();
  }
}
