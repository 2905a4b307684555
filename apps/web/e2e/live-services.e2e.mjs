// Journeys for services made outside the catalog (issue 17): scale, logs, remove and import
// from the live service's page; the app's confirmation dialog (Esc cancels, nothing sent); the
// Services row's Deploy showing the dry run. Real Chromium against the built app on the lab.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, callApi, docker, launchChromium, SHOTS, sidewaysOverflow, startApp, waitFor } from './harness.mjs';

const TOKEN = 'so_e2e_admin_live_0123456789abcdefghijk';
const LIVE = 't-lv';
const IMP = 't-lvimp';

let app;
let browser;
let page;
const pageErrors = [];
/** Every request that changes something (not a dry run): what a cancelled dialog must not send. */
const writes = [];

const api = (method, path, body) => callApi(app.base, TOKEN, method, path, body);
const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const exists = (name) => {
  try {
    docker('service', 'inspect', name);
    return true;
  } catch {
    return false;
  }
};
const replicasOf = (name) => JSON.parse(docker('service', 'inspect', name, '--format', '{{json .Spec.Mode.Replicated.Replicas}}'));
const rm = (name) => exists(name) && docker('service', 'rm', name);
const cliCreate = (name) =>
  docker(
    'service',
    'create',
    '--detach',
    '--name',
    name,
    '--stop-grace-period',
    '1s',
    process.env.LAB_IMAGE,
    'sh',
    '-c',
    `echo hello-${name}; sleep 3600`,
  );

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_IMAGE, 'the lab environment must be exported');
  for (const s of [LIVE, IMP]) rm(s);
  mkdirSync(SHOTS, { recursive: true });
  cliCreate(LIVE);
  cliCreate(IMP);
  app = await startApp(TOKEN);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() !== 'GET' && url.pathname.startsWith('/api/') && !url.searchParams.has('dry_run') && url.pathname !== '/api/auth/login')
      writes.push(`${r.method()} ${url.pathname}`);
  });
  await page.goto(`${app.base}/login`);
  await page.fill('#token', TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
});

after(async () => {
  for (const s of [LIVE, IMP]) rm(s);
  await browser?.close();
  app?.stop();
});

describe('services made outside the catalog', () => {
  it('scales a CLI service from its page and shows its logs', async () => {
    await page.goto(`${app.base}/services/live/${LIVE}`);
    const box = page.locator('[data-testid=replicas]');
    await waitFor(async () => (await box.inputValue()) === '1', 15_000, 'the replicas box at 1');
    await box.fill('2');
    await box.press('Enter');
    await page.locator('[data-testid=toast][data-kind=success]', { hasText: `scaling ${LIVE} to 2` }).waitFor();
    await waitFor(() => replicasOf(LIVE) === 2, 10_000, 'the swarm at 2 replicas');
    await page.locator('[data-testid=service-status]', { hasText: /of 2/ }).waitFor({ timeout: 30_000 });

    await page.click('[data-testid=tab-logs]');
    await page.locator('[data-testid=log-lines]', { hasText: `hello-${LIVE}` }).waitFor({ timeout: 30_000 });
    assert.match(await page.locator('[data-testid=log-lines]').innerText(), new RegExp(`hello-${LIVE}`));
    await shot(page, 'l01-live-logs');
  });

  it('asks in an accessible dialog: focus on Cancel, named by what happens, Esc cancels and nothing is sent', async () => {
    await page.goto(`${app.base}/services/live/${IMP}`);
    const before = writes.length;
    await page.click('[data-testid=live-import]');
    const dialog = page.locator('[data-testid=confirm-dialog]');
    await dialog.locator('#confirm-title').waitFor();
    assert.equal(await dialog.getAttribute('role'), 'alertdialog');
    assert.equal(await dialog.getAttribute('aria-labelledby'), 'confirm-title');
    assert.match(await dialog.locator('#confirm-title').innerText(), new RegExp(`Import ${IMP} into the catalog\\?`));
    assert.match(await dialog.locator('#confirm-message').innerText(), /definition is written/);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'confirm-cancel');
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'l02-confirm-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForTimeout(500);
    assert.deepEqual(writes.slice(before), [], 'no request after Esc');
    assert.equal(
      (await api('GET', '/api/services')).some((s) => s.name === IMP),
      false,
    );
  });

  it('imports a CLI service into the catalog: its page becomes the catalog page, with no drift', async () => {
    await page.goto(`${app.base}/services/live/${IMP}`);
    await page.click('[data-testid=live-import]');
    await page.click('[data-testid=confirm-ok]');
    await page.waitForURL(`**/services/${IMP}`);
    await page.locator('[data-testid=toast][data-kind=success]', { hasText: `imported ${IMP} into the catalog` }).waitFor();
    const listed = (await api('GET', '/api/services')).find((s) => s.name === IMP);
    assert.equal(listed?.drift, 0);
    await page.goto(`${app.base}/services`);
    const row = page.locator(`tr[data-service="${IMP}"][data-catalog="true"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('[data-testid=drift-badge]').count(), 0);
  });

  it("shows the dry run on a Services row's Deploy: an imported service would not change; Cancel sends nothing", async () => {
    await page.goto(`${app.base}/services`);
    const before = writes.length;
    const plans = [];
    const onPlan = (r) => new URL(r.url()).searchParams.has('dry_run') && plans.push(new URL(r.url()).pathname);
    page.on('request', onPlan);
    await page.locator(`tr[data-service="${IMP}"] [data-testid="deploy-${IMP}"]`).click();
    const dialog = page.locator('[data-testid=plan-dialog]');
    await dialog.locator('[data-testid=plan-summary]').waitFor({ timeout: 30_000 });
    assert.match(await dialog.locator('[data-testid=plan-summary]').innerText(), /nothing would change/);
    assert.match(await dialog.locator('#plan-title').innerText(), new RegExp(`Deploy ${IMP}\\?`));
    await shot(page, 'l03-row-deploy-plan');
    await dialog.locator('button:has-text("Cancel")').click();
    await dialog.waitFor({ state: 'hidden' });
    page.off('request', onPlan);
    assert.deepEqual(plans, [`/api/services/${IMP}/deploy`]);
    assert.deepEqual(writes.slice(before), [], 'no deploy after Cancel');
  });

  it('removes a CLI service after showing the tasks that stop; Cancel first keeps it', async () => {
    await page.goto(`${app.base}/services/live/${LIVE}`);
    await page.click('[data-testid=live-remove]');
    const dialog = page.locator('[data-testid=plan-dialog]');
    await dialog.locator('[data-testid=plan-tasks]').waitFor({ timeout: 15_000 });
    assert.equal(await dialog.locator('[data-testid=plan-tasks] li').count(), 2);
    assert.match(await dialog.locator('[data-testid=plan-summary]').innerText(), /stop its 2 task/);
    await dialog.locator('button:has-text("Cancel")').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(exists(LIVE), 'still there after Cancel');

    await page.click('[data-testid=live-remove]');
    await dialog.locator('[data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    await dialog.locator('[data-testid=plan-apply]').click();
    await page.waitForURL(`**/services`);
    await waitFor(() => !exists(LIVE), 10_000, 'the service gone from the swarm');
    await page.locator(`tr[data-service="${LIVE}"]`).waitFor({ state: 'detached', timeout: 5_000 });
    const audit = await api('GET', `/api/audit?q=${encodeURIComponent('/api/services/live')}&limit=10`);
    assert.deepEqual(
      // dry runs are audited too (they are POST or DELETE): the changes are the others
      audit.entries.filter((e) => !e.params?.query?.dry_run).map((e) => `${e.action} ${e.target}`),
      [
        `DELETE /api/services/live/:name ${LIVE}`,
        `POST /api/services/live/:name/import ${IMP}`,
        `POST /api/services/live/:name/scale ${LIVE}`,
      ],
    );
  });

  it('finds entries in the whole audit log from the audit page (server-side search)', async () => {
    await page.goto(`${app.base}/audit`);
    await page.fill('[data-testid=audit-search]', 'import');
    await waitFor(async () => (await page.locator('[data-testid=audit-entry]').count()) === 1, 5_000, 'one matching entry');
    assert.match(await page.locator('[data-testid=audit-entry]').innerText(), new RegExp(IMP));
    assert.match(await page.locator('[data-testid=pager-range]').innerText(), /1–1 of 1/);
    await shot(page, 'l04-audit-search');
  });

  it('fits a phone: the live page and the services list at 390 px, no sideways scroll, no serious axe violation', async () => {
    cliCreate(LIVE);
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await phone.goto(`${app.base}/login`);
    await phone.fill('#token', TOKEN);
    await phone.click('button[type=submit]');
    await phone.waitForURL((u) => !u.pathname.startsWith('/login'));
    for (const [path, name] of [
      [`/services/live/${LIVE}`, 'l05-live-phone'],
      ['/services', 'l06-services-phone'],
      ['/audit', 'l07-audit-phone'],
    ]) {
      await phone.goto(`${app.base}${path}`);
      await phone.locator('main h1').first().waitFor({ timeout: 15_000 });
      await phone.waitForTimeout(500);
      assert.ok((await sidewaysOverflow(phone, 390)) <= 0, `${path} scrolls sideways`);
      assert.deepEqual(await axeViolations(phone), [], `axe on ${path}`);
      await shot(phone, name);
    }
    await phone.goto(`${app.base}/services/live/${LIVE}`);
    await phone.click('[data-testid=live-remove]');
    await phone.locator('[data-testid=plan-dialog] [data-testid=plan-summary]').waitFor({ timeout: 15_000 });
    assert.ok((await sidewaysOverflow(phone, 390)) <= 0, 'the remove dialog scrolls sideways');
    await shot(phone, 'l08-remove-plan-phone');
    await phone.close();
  });

  it('raised no page error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
