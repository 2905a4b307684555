// Resource use (issue 21) in the browser: the production stack (app + node agent)
// deployed INTO the lab (the app on this host cannot reach the agents' overlay
// network), then the Nodes page, a live service whose task holds 100 MiB, its
// node's page and the dashboard, as Chromium shows them. Run with the lab's
// environment exported and the app built (npm run build): the stack's image is
// built from dist/ (USAGE_E2E_BUILD=false reuses the one the last run pushed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  axeViolations,
  callApi,
  docker,
  launchChromium,
  SHOTS,
  sidewaysOverflow,
  signIn,
  waitFor,
  prodStackDown,
  prodStackUp,
} from './harness.mjs';

const STACK = 'sousage';
const PORT = 18950;
const TOKEN = 'so_e2e_usage_admin_0123456789abcdefghij';
const MiB = 1024 * 1024;
const NODES = ['mini2', 'rog1', 'spark1'];
const RUN = Date.now().toString(36);
// a live service (created with the docker CLI, as an operator would): its page is /services/live/<name>
const SERVICE = `t-usage-${RUN}`;
/** The docker CLI against one node's own Engine. */
const dockerOn = (node, ...args) =>
  execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: process.env[`LAB_SOCK_${node}`] },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const containerOf = (node) =>
  dockerOn(node, 'ps', '-q', '--filter', `label=com.docker.swarm.service.name=${SERVICE}`).trim().split('\n')[0];
const UNITS = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB };
/** "12 MiB" / "1.5 GiB" (formatBytes, docker stats) in bytes. */
function parseBytes(text) {
  const m = /([\d.]+)\s*(B|KiB|MiB|GiB)\b/.exec(text);
  if (!m) throw new Error(`no size in "${text}"`);
  return Number(m[1]) * UNITS[m[2]];
}

let base;
let browser;
let agentService;
let agentRemoved = false;
const timings = {};
const figures = {};
const api = (method, path, body) => callApi(base, TOKEN, method, path, body);
const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function newPage(width = 1400) {
  const page = await browser.newPage({ viewport: { width, height: width < 500 ? 844 : 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, base, TOKEN);
  return { page, errors };
}

const agentStateOn = (page, hostname) => page.locator(`tr[data-node="${hostname}"] [data-testid=agent-state]`).innerText();

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_IMAGE, 'the lab environment must be exported');
  mkdirSync(SHOTS, { recursive: true });
  const started = Date.now();
  const stack = prodStackUp(STACK, PORT, TOKEN, process.env.USAGE_E2E_BUILD !== 'false');
  timings.stackUpMs = Date.now() - started;
  base = stack.base;
  agentService = stack.agentService;
  browser = await launchChromium();
});

after(async () => {
  try {
    try {
      docker('service', 'rm', SERVICE);
    } catch {
      /* not created */
    }
    if (agentRemoved) docker('service', 'update', '-d', '--constraint-rm', 'node.hostname!=rog1', agentService);
  } finally {
    await browser?.close();
    prodStackDown(STACK);
    console.log(`# timings ${JSON.stringify(timings)}`);
    console.log(`# figures ${JSON.stringify(figures)}`);
  }
});

describe('resource use in the browser (production stack in the lab)', () => {
  it("the Nodes page shows every node's agent connected", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/nodes`);
    const started = Date.now();
    // the app finds the agents by polling the agent service's tasks: the first answers take a while after the deploy
    await waitFor(
      async () => (await Promise.all(NODES.map((h) => agentStateOn(page, h)))).every((s) => s === 'connected'),
      120_000,
      'every agent connected on the Nodes page',
    );
    timings.agentsConnectedMs = Date.now() - started;
    assert.equal(await page.locator('tr[data-node]').count(), NODES.length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a task holding 100 MiB shows 100 MiB ± 10 % on its service page within 10 s, as docker stats on its node says', async () => {
    const { page, errors } = await newPage();
    docker(
      'service',
      'create',
      '-d',
      '--name',
      SERVICE,
      '--constraint',
      'node.hostname==rog1',
      '--mount',
      'type=tmpfs,dst=/m,tmpfs-size=268435456',
      process.env.LAB_IMAGE,
      'sh',
      '-c',
      'dd if=/dev/zero of=/m/fill bs=1M count=100 2>/dev/null && touch /m/done && sleep 100000',
    );
    await page.goto(`${base}/services/live/${SERVICE}`);
    // the moment the task holds its 100 MiB, from rog1's own Engine
    await waitFor(
      async () => {
        const id = containerOf('rog1');
        return id !== '' && dockerOn('rog1', 'exec', id, 'ls', '/m/done') !== undefined;
      },
      120_000,
      'the task to hold its 100 MiB',
    );
    const held = Date.now();
    const now = page.locator('[data-testid=service-usage-now]');
    let shown;
    await waitFor(
      async () => {
        shown = parseBytes((await now.innerText()).split('·')[1]);
        return Math.abs(shown - 100 * MiB) <= 10 * MiB;
      },
      10_000,
      `the service page to show 100 MiB (it shows "${shown === undefined ? 'nothing' : (shown / MiB).toFixed(1) + ' MiB'}")`,
    );
    timings.heldToPageMs = Date.now() - held;
    const stats = dockerOn('rog1', 'stats', '--no-stream', '--format', '{{.MemUsage}}', containerOf('rog1')).trim();
    const statsBytes = parseBytes(stats.split('/')[0]);
    figures.pageText = (await now.innerText()).trim();
    figures.pageMiB = +(shown / MiB).toFixed(1);
    figures.dockerStatsMiB = +(statsBytes / MiB).toFixed(1);
    assert.ok(Math.abs(shown - statsBytes) <= 0.1 * statsBytes, `page ${figures.pageMiB} MiB, docker stats ${figures.dockerStatsMiB} MiB`);
    // the replica row: one, on rog1
    const rows = page.locator('[data-testid=service-replicas-usage] tbody tr');
    await waitFor(async () => (await rows.count()) === 1, 10_000, 'one replica row');
    assert.match(await rows.first().innerText(), /rog1/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("rog1's node page has the resource section with a chart and lists the container; the dashboard's top consumers list the service", async () => {
    const { page, errors } = await newPage();
    const rog1 = (await api('GET', '/api/nodes')).find((n) => n.hostname === 'rog1');
    await page.goto(`${base}/nodes/${rog1.id}`);
    const section = page.locator('[data-testid=node-usage]');
    await waitFor(async () => (await section.locator('[data-testid=agent-state]').innerText()) === 'connected', 20_000, 'the agent badge');
    // a chart: the CPU and memory lines, drawn once there are two samples
    await waitFor(async () => (await section.locator('svg[role=img] polyline').count()) >= 2, 20_000, 'the two charts drawn');
    const latest = await section.locator('[data-testid=sparkline-latest]').allInnerTexts();
    figures.nodeChartsLatest = latest;
    assert.match(latest[1], /MiB|GiB/);
    const containers = section.locator('[data-testid=node-containers] tbody tr');
    await waitFor(async () => (await containers.allInnerTexts()).some((t) => t.includes(SERVICE)), 10_000, 'the container listed');
    const row = containers.filter({ hasText: SERVICE });
    figures.nodeRow = (await row.innerText()).replace(/\s+/g, ' ');
    const rowMemory = parseBytes(await row.locator('td').nth(2).innerText());
    assert.ok(Math.abs(rowMemory - 100 * MiB) <= 10 * MiB, `node row "${figures.nodeRow}"`);

    await page.goto(`${base}/`);
    const top = page.locator('[data-testid=top-consumers]');
    await top.locator('select').selectOption('memory');
    await waitFor(
      async () => (await top.locator('li').allInnerTexts()).some((t) => t.includes(SERVICE)),
      10_000,
      'the service in the top consumers',
    );
    figures.top = (await top.locator('li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('screenshots of the usage sections at desktop and phone width, with no serious axe violation and nothing wider than a phone', async () => {
    const rog1 = (await api('GET', '/api/nodes')).find((n) => n.hostname === 'rog1');
    const pages = [
      ['usage-service', `/services/live/${SERVICE}`, '[data-testid=service-usage] svg polyline'],
      ['usage-node', `/nodes/${rog1.id}`, '[data-testid=node-containers]'],
      ['usage-dashboard', '/', '[data-testid=top-consumers] li'],
    ];
    const problems = [];
    for (const width of [1400, 390]) {
      const { page, errors } = await newPage(width);
      for (const [name, path, ready] of pages) {
        await page.goto(`${base}${path}`);
        // attached, not visible: a flat line (0 % CPU) has no height, and Playwright calls that hidden
        await page.locator(ready).first().waitFor({ state: 'attached', timeout: 20_000 });
        await shot(page, `${name}-${width}`);
        const violations = await axeViolations(page);
        if (violations.length) problems.push(`${name} at ${width}: ${JSON.stringify(violations, null, 1)}`);
        if (width < 500) {
          const over = await sidewaysOverflow(page, width);
          if (over > 0) problems.push(`${name} at ${width}: ${over} px wider than the phone`);
          // the figures themselves on screen, not behind a sideways scroll: the memory column of the first row
          const figuresOf = {
            'usage-service': ['[data-testid=service-usage-now]', '[data-testid=service-replicas-usage] tbody tr td:nth-child(4)'],
            'usage-node': ['[data-testid=node-containers] tbody tr td:nth-child(3)'],
          };
          for (const selector of figuresOf[name] ?? []) {
            const box = await page.locator(selector).first().boundingBox();
            if (!box || box.x + box.width > width)
              problems.push(`${name} at ${width}: ${selector} ends at ${box && Math.round(box.x + box.width)} px`);
          }
        }
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
    assert.deepEqual(problems, []);
  });

  it('removing the agent from rog1 shows "no agent" on the Nodes page within 10 s, and it comes back', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/nodes`);
    await waitFor(async () => (await agentStateOn(page, 'rog1')) === 'connected', 20_000, 'rog1 connected');
    docker('service', 'update', '-d', '--constraint-add', 'node.hostname!=rog1', agentService);
    agentRemoved = true;
    const started = Date.now();
    await waitFor(async () => (await agentStateOn(page, 'rog1')) === 'no agent', 10_000, 'rog1 "no agent" on the Nodes page');
    timings.noAgentMs = Date.now() - started;
    assert.deepEqual(await Promise.all(['mini2', 'spark1'].map((h) => agentStateOn(page, h))), ['connected', 'connected']);
    await shot(page, 'usage-nodes-no-agent');
    docker('service', 'update', '-d', '--constraint-rm', 'node.hostname!=rog1', agentService);
    agentRemoved = false;
    const back = Date.now();
    await waitFor(async () => (await agentStateOn(page, 'rog1')) === 'connected', 60_000, 'rog1 connected again');
    timings.agentBackMs = Date.now() - back;
    assert.deepEqual(errors, []);
    await page.close();
  });
});
