// Browser journeys in Debian's Chromium (playwright-core), against the built
// app on the lab. Run by scripts/test.sh after the integration tests, with the
// lab's environment (DOCKER_HOST, REGISTRY_URL, LAB_*) exported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { docker, launchChromium, removeService, shot as screenshot, startApp } from './harness.mjs';
import { answerConfirmations } from './confirm.mjs';

const TOKEN = 'so_e2e_admin_0123456789abcdefghijklmnop';
const SERVICE = 'e2e-web';

let app;
let browser;
let page;
const cspViolations = [];
const timings = {};

const shot = (name) => screenshot(page, name);

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_WEB_IMAGE, 'the lab environment must be exported (scripts/test.sh does it)');
  removeService(SERVICE);
  app = await startApp(TOKEN);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  answerConfirmations(page);
});

after(async () => {
  removeService(SERVICE);
  try {
    docker('node', 'update', '--availability', 'active', 'rog1');
  } catch {
    /* lab gone */
  }
  await browser?.close();
  app?.stop();
  if (Object.keys(timings).length) console.log(`# timings ${JSON.stringify(timings)}`);
});

describe('the dashboard in Chromium', () => {
  it('signs in with a token and shows the cluster with three nodes', async () => {
    await page.goto(`${app.base}/`);
    await page.waitForURL(/\/login/);
    await page.fill('#token', TOKEN);
    const started = Date.now();
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-node="mini2"]');
    await page.waitForSelector('[data-node="spark1"]');
    await page.waitForSelector('[data-node="rog1"]');
    timings.dashboardDataMs = Date.now() - started;
    assert.equal(await page.locator('article[data-node]').count(), 3);
    assert.match(await page.locator('[data-node="spark1"]').innerText(), /NVIDIA-GPU/);
    assert.match(await page.locator('[data-testid="whoami"]').innerText(), /ADMIN_TOKEN \(admin\)/);
    await shot('01-dashboard');
  });

  it('creates a definition: a validation error shown at the field, then fixed', async () => {
    await page.click('nav >> text=Services');
    await page.click('text=New service');
    // serves /www on :80 and prints a line a second, so there are logs to read
    const bad = `name: ${SERVICE}\nimage: ${process.env.LAB_WEB_IMAGE}\ncommand: ["sh", "-c", "httpd -p 80 -h /www; while true; do echo tick; sleep 1; done"]\nports:\n  - target: 80\n    published: 18480\n    mode: host\ndeploy:\n  replicas: -1\n`;
    await page.fill('[data-testid="definition-editor"]', bad);
    await page.click('button:has-text("Create")');
    const errors = page.locator('[data-testid="definition-errors"]');
    await errors.waitFor();
    assert.match(await errors.innerText(), /deploy\.replicas\s+must be 0 or more/);
    await shot('02-validation-error');
    await page.fill('[data-testid="definition-editor"]', bad.replace('replicas: -1', 'replicas: 1'));
    await page.click('button:has-text("Create")');
    await page.waitForSelector(`tr[data-service="${SERVICE}"]`);
    assert.match(await page.locator(`tr[data-service="${SERVICE}"]`).innerText(), /not deployed/);
  });

  it('deploys it and watches it converge, then scales it to 2', async () => {
    const row = page.locator(`tr[data-service="${SERVICE}"]`);
    await row.locator('button:has-text("Deploy")').click();
    // the row's Deploy shows the dry run first, as the service page's does
    await page.locator('[data-testid=plan-dialog] [data-testid=plan-summary]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid=plan-apply]');
    await page.waitForSelector(`text=/${SERVICE}: created, 1\\/1 replicas running/`, { timeout: 90_000 });
    await row.locator('[data-testid=replicas]').fill('2');
    await row.locator('[data-testid=replicas]').press('Tab');
    await page.waitForFunction(
      (name) => /running 2 of 2/.test(document.querySelector(`tr[data-service="${name}"]`)?.textContent ?? ''),
      SERVICE,
      { timeout: 60_000 },
    );
    assert.equal(JSON.parse(docker('service', 'inspect', SERVICE, '--format', '{{json .Spec.Mode.Replicated.Replicas}}')), 2);
    await shot('03-services-scaled');
  });

  it('shows a deploy converging replica by replica on the service page', async () => {
    await page.click(`a:has-text("${SERVICE}")`);
    await page.click('header button:has-text("Deploy")');
    // the confirmation shows the dry run first (issue 18)
    await page.locator('[data-testid=plan-dialog] [data-testid=plan-summary]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid=plan-apply]');
    const progress = page.locator('[data-testid="deploy-progress"]');
    await progress.waitFor();
    await page.waitForFunction(() => /converged/.test(document.querySelector('[data-testid="deploy-progress"]')?.textContent ?? ''), null, {
      timeout: 60_000,
    });
    assert.match(await progress.innerText(), /2 \/ 2 replicas running/);
    assert.equal(await progress.locator('li').count(), 2);
    await shot('04a-deploy-progress');
  });

  it('reads its logs live', async () => {
    await page.click('button:has-text("logs")');
    await page.waitForFunction(() => /tick/.test(document.querySelector('[data-testid="log-lines"]')?.textContent ?? ''), null, {
      timeout: 20_000,
    });
    assert.match(await page.locator('section[aria-label="Logs"]').innerText(), /live · \d+ lines/);
    const node = docker('service', 'ps', SERVICE, '--filter', 'desired-state=running', '--format', '{{.Node}}').split('\n')[0];
    assert.match(await page.locator('[data-testid="log-lines"]').innerText(), new RegExp(`${node}\\.\\d+ tick`));
    // the published host-mode port answers on a node that runs a task
    assert.match(await (await fetch(`http://${process.env[`LAB_IP_${node}`]}:18480/`)).text(), /swarm orchestrator lab/);
    await shot('04-service-logs');
  });

  it('drains a worker and activates it again', async () => {
    await page.click('nav >> text=Nodes');
    const rog1 = page.locator('tr[data-node="rog1"]');
    await rog1.locator('button:has-text("Drain")').click();
    await page.locator('[data-testid=plan-dialog] [data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    await page.click('[data-testid=plan-apply]');
    await rog1.locator('button:has-text("Activate")').waitFor();
    assert.equal(docker('node', 'inspect', 'rog1', '--format', '{{.Spec.Availability}}').trim(), 'drain');
    await shot('05-node-drained');
    await rog1.locator('button:has-text("Activate")').click();
    await rog1.locator('button:has-text("Drain")').waitFor();
    assert.equal(docker('node', 'inspect', 'rog1', '--format', '{{.Spec.Availability}}').trim(), 'active');
    // the node's own page lists what runs there
    await page.click('a:has-text("mini2")');
    await page.waitForSelector('h2:has-text("Tasks on this node")');
    assert.equal((await page.locator('nav a[data-current]').innerText()).trim(), 'Nodes');
    await shot('05a-node-detail');
  });

  it("browses a registry tag's platforms", async () => {
    await page.click('nav >> text=Registry');
    await page.click('button:has-text("busybox")');
    const row = page.locator('tr[data-tag="1.0"]');
    await row.waitFor();
    assert.match(await row.locator('[data-testid="platforms"]').innerText(), /linux\/amd64/);
    await row.locator('button:has-text("1.0")').click();
    await page.waitForSelector('[data-testid="tag-details"]');
    await shot('06-registry-tag');
  });

  it('shows a change made with the docker CLI without a reload', async () => {
    await page.click('nav >> text=Services');
    await page.waitForSelector(`tr[data-service="${SERVICE}"]`);
    docker('service', 'scale', '--detach', `${SERVICE}=3`);
    const started = Date.now();
    await page.waitForFunction((name) => /of 3/.test(document.querySelector(`tr[data-service="${name}"]`)?.textContent ?? ''), SERVICE, {
      timeout: 15_000,
    });
    timings.cliChangeVisibleMs = Date.now() - started;
    await shot('07-live-change');
  });

  it('ends the live logs, saying why, when the service is removed behind its back', async () => {
    await page.click(`a:has-text("${SERVICE}")`);
    await page.click('button:has-text("logs")');
    await page.waitForFunction(() => /tick/.test(document.querySelector('[data-testid="log-lines"]')?.textContent ?? ''), null, {
      timeout: 20_000,
    });
    docker('service', 'rm', SERVICE);
    await page.waitForSelector('text=Log stream ended: the service was removed from the swarm.', { timeout: 20_000 });
    assert.equal((await page.locator('nav a[data-current]').innerText()).trim(), 'Services');
    assert.match(await page.locator('section[aria-label="Logs"]').innerText(), /disconnected · \d+ lines/);
    await shot('08-logs-ended');
  });

  it('loads under the CSP without a violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
