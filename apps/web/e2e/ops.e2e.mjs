// Journeys for operating safely (issues 18-20): the dry run in the confirmation before a deploy
// and a drain, and a session that ends when its token is revoked. Real Chromium against the built
// app on the lab; run with the lab's environment exported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  axeViolations,
  callApi,
  docker,
  launchChromium,
  removeService,
  shot,
  sidewaysOverflow,
  signIn,
  sleep,
  startApp,
  waitFor,
  watchErrors,
} from './harness.mjs';
import { answerConfirmations } from './confirm.mjs';

const TOKEN = 'so_e2e_admin_ops_0123456789abcdefghijkl';
const WEB = 'o-web';
const CRASH = 'o-crash';
const image = () => process.env.LAB_WEB_IMAGE;
const definition = (foo, replicas = 3) =>
  `name: ${WEB}\ndescription: ops journeys\nimage: ${image()}\ncommand: ["sh", "-c", "while true; do echo tick; sleep 1; done"]\nenvironment:\n  FOO: "${foo}"\ndeploy:\n  replicas: ${replicas}\n`;

let app;
let browser;
let page;
let receiver;
const dialogs = [];
let dialogAnswers = [];
const errors = { page: [], console: [] };

const api = (method, path, body) => callApi(app.base, TOKEN, method, path, body);
const envOf = (name) => JSON.parse(docker('service', 'inspect', name, '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'));
const versionOf = (name) => Number(docker('service', 'inspect', name, '--format', '{{.Version.Index}}').trim());
const availabilityOf = (node) => docker('node', 'inspect', node, '--format', '{{.Spec.Availability}}').trim();

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_WEB_IMAGE, 'the lab environment must be exported');
  removeService(WEB);
  removeService(CRASH);
  app = await startApp(TOKEN);
  await api('POST', '/api/services', definition('1'));
  await api('POST', `/api/services/${WEB}/deploy?wait=true&timeout=90`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watchErrors(page, errors);
  // native confirmations (the registry's delete): answered from dialogAnswers in turn, yes when none is left
  answerConfirmations(page, { answer: () => dialogAnswers.shift() ?? true, log: dialogs });
  await signIn(page, app.base, TOKEN);
});

after(async () => {
  removeService(WEB);
  removeService(CRASH);
  receiver?.close();
  for (const n of ['rog1', 'spark1', 'mini2']) {
    try {
      if (availabilityOf(n) !== 'active') docker('node', 'update', '--availability', 'active', n);
    } catch {
      /* not there */
    }
  }
  await browser?.close();
  app?.stop();
});

describe('operating safely', () => {
  it('shows the dry run in the confirmation before a deploy: Cancel changes nothing, Deploy applies exactly that', async () => {
    await api('PUT', `/api/services/${WEB}`, definition('2'));
    const before = versionOf(WEB);
    await page.goto(`${app.base}/services/${WEB}`);
    const dialog = page.locator('[data-testid=plan-dialog]');
    const deployButton = page.locator('header button:has-text("Deploy")');

    await deployButton.click();
    await dialog.locator('[data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    const changes = await dialog.locator('[data-testid=plan-changes]').innerText();
    assert.match(changes, /What would change/);
    assert.match(changes, /Env/);
    assert.match(changes, /FOO=2/);
    assert.match(changes, /FOO=1/);
    assert.match(await dialog.locator('[data-testid=plan-checks]').innerText(), /✓/);
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'o01-deploy-plan');

    await dialog.locator('button:has-text("Cancel")').click();
    await dialog.waitFor({ state: 'hidden' });
    await sleep(500);
    assert.equal(versionOf(WEB), before, 'a dry run and a cancel change nothing');
    assert.ok(envOf(WEB).includes('FOO=1'));

    await deployButton.click();
    await dialog.locator('[data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    await dialog.locator('[data-testid=plan-apply]').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => /converged/.test(document.querySelector('[data-testid="deploy-progress"]')?.textContent ?? ''), null, {
      timeout: 90_000,
    });
    assert.ok(envOf(WEB).includes('FOO=2'), 'the deploy applied the planned change');
  });

  it('shows the tasks a drain would move before draining, and drains on confirm', async () => {
    // the worker that runs one of o-web's tasks
    const nodes = docker('service', 'ps', WEB, '--filter', 'desired-state=running', '--format', '{{.Node}}').trim().split('\n');
    const node = ['rog1', 'spark1'].find((n) => nodes.includes(n));
    assert.ok(node, `a worker runs a task of ${WEB}: ${nodes}`);
    await page.goto(`${app.base}/nodes`);
    const row = page.locator(`tr[data-node="${node}"]`);
    const dialog = page.locator('[data-testid=plan-dialog]');
    await row.locator('button:has-text("Drain")').click();
    const tasks = dialog.locator('[data-testid=plan-tasks]');
    await tasks.waitFor({ timeout: 15_000 });
    assert.match(await tasks.innerText(), new RegExp(`${WEB}\\.\\d+ on ${node}`));
    assert.equal(availabilityOf(node), 'active', 'the dry run drains nothing');
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'o02-drain-plan');
    await dialog.locator('[data-testid=plan-apply]').click();
    await row.locator('button:has-text("Activate")').waitFor({ timeout: 15_000 });
    assert.equal(availabilityOf(node), 'drain');
    await row.locator('button:has-text("Activate")').click();
    await row.locator('button:has-text("Drain")').waitFor();
    assert.equal(availabilityOf(node), 'active');
  });

  it('fits the confirmation on a phone: no sideways scroll at 390 px, no serious axe violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    const phone = await ctx.newPage();
    watchErrors(phone, errors);
    await signIn(phone, app.base, TOKEN);
    await api('PUT', `/api/services/${WEB}`, definition('3'));
    await phone.goto(`${app.base}/services/${WEB}`);
    await phone.locator('header button:has-text("Deploy")').click();
    await phone.locator('[data-testid=plan-dialog] [data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    assert.ok((await sidewaysOverflow(phone, 390)) <= 0, 'no sideways scroll');
    assert.deepEqual(await axeViolations(phone), []);
    await shot(phone, 'o03-deploy-plan-phone');
    await phone.locator('[data-testid=plan-dialog] button:has-text("Cancel")').click();
    await ctx.close();
  });

  it('signs out when the live stream ends because the token was revoked, and says why', async () => {
    const created = await api('POST', '/api/auth/tokens', { name: 'e2e-ops-revoked', role: 'viewer' });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const p = await ctx.newPage();
    watchErrors(p, errors);
    await signIn(p, app.base, created.token);
    await p.locator('[data-testid=live]', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    const started = Date.now();
    await api('DELETE', `/api/auth/tokens/${created.id}`);
    // no click, no request of its own: only the stream's last event can end the session
    await p.waitForURL('**/login**', { timeout: 5_000 });
    const notice = p.locator('[data-testid=session-ended]');
    await notice.waitFor({ timeout: 2_000 });
    assert.ok(Date.now() - started < 5_000);
    assert.match(await notice.innerText(), /Your token was revoked/);
    assert.match(await notice.innerText(), /e2e-ops-revoked/);
    assert.match(await notice.innerText(), /the live stream ended/, 'the stream said so, not a later refused request');
    await shot(p, 'o04-session-revoked');
    await ctx.close();
  });

  it('lists a firing alert (also on the dashboard), mutes it, and shows a failing channel and its test', async () => {
    await api('PUT', '/api/alerts/rules', { yaml: 'rules:\n  task_failed:\n    for: 0s\n' });
    await api(
      'POST',
      '/api/services',
      `name: ${CRASH}\nimage: ${image()}\ncommand: ["sh", "-c", "sleep 1; exit 3"]\ndeploy:\n  replicas: 1\n`,
    );
    await api('POST', `/api/services/${CRASH}/deploy`);
    let alert;
    await waitFor(
      async () => (alert = (await api('GET', '/api/alerts')).active.find((a) => a.rule === 'task_failed' && a.subject === CRASH)),
      60_000,
      'a task_failed alert for the crash-looping service',
    );
    // the dashboard's attention list counts it
    await page.goto(`${app.base}/`);
    const count = page.locator('[data-testid=attention-alerts]');
    await count.waitFor({ timeout: 10_000 });
    assert.match(await count.innerText(), /\d+ alerts? firing/);
    await count.locator('a').click();
    await page.waitForURL('**/alerts');
    assert.equal((await page.locator('nav a[data-current]').innerText()).trim(), 'Alerts');
    const row = page.locator('[data-testid=alert][data-rule=task_failed]', { hasText: CRASH });
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /exit code 3|exit 3|code 3/);

    // a channel whose receiver answers 500: the test says so, and the page shows the channel failing
    receiver = createServer((req, res) => {
      req.resume();
      res.statusCode = 500;
      res.end('no');
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    await api('POST', '/api/alerts/channels', { name: 'o-hook', type: 'webhook', url, secret: 'o-secret-0123456789abcdef' });
    await page.reload();
    const channel = page.locator('[data-channel=o-hook]');
    await channel.waitFor({ timeout: 10_000 });
    await channel.locator('button:has-text("Send test")').click();
    await page.locator('[data-testid=toast][data-kind=error]', { hasText: 'o-hook' }).waitFor({ timeout: 30_000 });
    await page.reload();
    await page.locator('[data-testid=channel-failing]', { hasText: 'o-hook' }).waitFor({ timeout: 15_000 });

    // mute: the alert's subject is muted, by whom, and the history says so
    await row.locator('select').selectOption('15m');
    await row.locator('button:has-text("Mute")').click();
    await page.locator('[data-testid=toast][data-kind=success]', { hasText: `muted ${CRASH} for 15m` }).waitFor();
    await page.locator('[data-testid=mutes]', { hasText: CRASH }).waitFor({ timeout: 10_000 });
    const mutes = await api('GET', '/api/alerts/mutes');
    assert.ok(
      mutes.some((m) => m.target === CRASH),
      `a mute for ${CRASH}: ${JSON.stringify(mutes)}`,
    );
    await page.locator('[data-testid=alert-history] li', { hasText: /fired/ }).first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'o05-alerts');
    assert.ok(alert.id);

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    const phone = await ctx.newPage();
    watchErrors(phone, errors);
    await signIn(phone, app.base, TOKEN);
    await phone.goto(`${app.base}/alerts`);
    await phone.locator('[data-testid=alert]').first().waitFor({ timeout: 10_000 });
    assert.ok((await sidewaysOverflow(phone, 390)) <= 0, 'no sideways scroll');
    assert.deepEqual(await axeViolations(phone), []);
    await shot(phone, 'o06-alerts-phone');
    await ctx.close();
    removeService(CRASH);
  });

  it('lists who runs a tag in the registry, and puts the 409 for a tag in use into the confirmation before "delete anyway"', async () => {
    const [repo, tag] = image()
      .replace(/^[^/]+\//, '')
      .split(':');
    await page.goto(`${app.base}/registry`);
    await page.locator('main h1', { hasText: 'Registry' }).waitFor();
    await page.locator('aside').getByRole('button', { name: repo, exact: true }).click();
    const row = page.locator(`tr[data-tag="${tag}"]`);
    const usedBy = row.locator('[data-testid=used-by]');
    await usedBy.waitFor({ timeout: 15_000 });
    await waitFor(async () => (await usedBy.innerText()).includes(WEB), 15_000, `${WEB} in the tag's users`);
    assert.match(await usedBy.innerText(), new RegExp(`${WEB} on (mini2|spark1|rog1)`));
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'o07-registry-used-by');

    // yes to "delete?", then the 409 names the service; no to "delete anyway": the tag stays
    dialogs.length = 0;
    dialogAnswers = [true, false];
    await row.locator('button:has-text("Delete")').click();
    await waitFor(() => dialogs.length === 2, 15_000, 'the second confirmation');
    assert.match(dialogs[1], new RegExp(WEB));
    assert.match(dialogs[1], /Delete anyway/);
    await sleep(500);
    const tags = await api('GET', `/api/registry/repositories/${encodeURIComponent(repo)}/tags`);
    assert.ok(
      tags.some((t) => t.tag === tag),
      'declining "delete anyway" deletes nothing',
    );
    assert.equal(await page.locator('[data-testid=toast][data-kind=error]').count(), 0, 'the 409 is a question, not an error notice');
  });

  it('raised no page error and logged no error of its own', () => {
    assert.deepEqual(errors.page, []);
    assert.deepEqual(errors.console, []);
  });
});
