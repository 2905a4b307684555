// Journeys for a dashboard an operator can trust (issue 17): nothing stale, nothing
// false, nothing dangerous by accident, usable on a phone. Real Chromium against the
// built app on the lab; run with the lab's environment exported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

const TOKEN = 'so_e2e_admin_trust_0123456789abcdefghij';
const WEB = 't-web';
const BAD = 't-bad';
const CLI = 't-cli';
const image = () => process.env.LAB_WEB_IMAGE;
const definition = (foo) =>
  `name: ${WEB}\ndescription: trust journeys\nimage: ${image()}\ncommand: ["sh", "-c", "while true; do echo tick; sleep 1; done"]\nenvironment:\n  FOO: "${foo}"\ndeploy:\n  replicas: 1\n`;

let app;
let browser;
let page;
const errors = { page: [], console: [] };
const timings = {};
let dialogAnswer = true;
const dialogs = [];

const api = (method, path, body) => callApi(app.base, TOKEN, method, path, body);
const replicasOf = (name) => JSON.parse(docker('service', 'inspect', name, '--format', '{{json .Spec.Mode.Replicated.Replicas}}'));

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_WEB_IMAGE, 'the lab environment must be exported');
  for (const s of [WEB, BAD, CLI]) removeService(s);
  app = await startApp(TOKEN);
  await api('POST', '/api/services', definition('1'));
  await api('POST', `/api/services/${WEB}/deploy?wait=true&timeout=90`);
  await api(
    'POST',
    '/api/services',
    `name: ${BAD}\nimage: ${process.env.REGISTRY_URL.replace(/^https?:\/\//, '')}/nope/missing:1\ndeploy:\n  replicas: 1\n`,
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watchErrors(page, errors);
  answerConfirmations(page, { answer: () => dialogAnswer, log: dialogs });
  await signIn(page, app.base, TOKEN);
});

after(async () => {
  for (const s of [WEB, BAD, CLI]) removeService(s);
  await browser?.close();
  app?.stop();
  if (Object.keys(timings).length) console.log(`# timings ${JSON.stringify(timings)}`);
});

describe('a dashboard an operator can trust', () => {
  it('validates the replicas box like the API: nothing is sent for empty, -1 or 2.5, and 0 asks first', async () => {
    const scales = [];
    const onRequest = (r) => r.method() === 'POST' && /\/scale$/.test(new URL(r.url()).pathname) && scales.push(r.postData());
    page.on('request', onRequest);
    await page.goto(`${app.base}/services`);
    const row = page.locator(`tr[data-service="${WEB}"]`);
    const box = row.locator('[data-testid=replicas]');
    const error = row.locator('[data-testid=replicas-error]');
    await waitFor(async () => (await box.inputValue()) === '1', 10_000, 'the replicas box');

    for (const [typed, message] of [
      ['', /replicas is required/],
      ['-1', /replicas must be 0 or more/],
      ['2.5', /replicas must be a whole number/],
    ]) {
      await box.fill(typed);
      await box.press('Tab');
      await error.waitFor();
      assert.match(await error.innerText(), message, `the message for "${typed}"`);
      assert.equal(await box.getAttribute('aria-invalid'), 'true');
    }
    await shot(page, 't01-replicas-invalid');

    // 0 asks first; saying no sends nothing and puts the count back
    dialogAnswer = false;
    await box.fill('0');
    await box.press('Tab');
    await waitFor(() => dialogs.some((d) => /Scale t-web to 0\?/.test(d)), 5_000, 'the confirmation');
    await waitFor(async () => (await box.inputValue()) === '1', 5_000, 'the box to show 1 again');
    dialogAnswer = true;
    await sleep(500);
    assert.deepEqual(scales, [], 'no scale request for an invalid value or a refused 0');
    assert.equal(replicasOf(WEB), 1);

    // a valid value goes, and says so
    await box.fill('2');
    await box.press('Enter');
    await page.locator('[data-testid=toast][data-kind=success]', { hasText: `scaling ${WEB} to 2` }).waitFor();
    await waitFor(() => replicasOf(WEB) === 2, 10_000, 'the swarm at 2 replicas');
    assert.equal(scales.length, 1, 'Enter then the blur sends one request');
    assert.deepEqual(JSON.parse(scales[0]), { replicas: 2 });
    page.off('request', onRequest);
  });

  it("shows a failed action's API message in a toast", async () => {
    const row = page.locator(`tr[data-service="${BAD}"]`);
    await row.locator('button:has-text("Deploy")').click();
    // the row's Deploy shows the dry run first, as the service page's does; it already says why, and Apply is refused the same way
    const plan = page.locator('[data-testid=plan-dialog]');
    await plan.locator('[data-testid=plan-checks]', { hasText: 'does not exist in the registry' }).waitFor({ timeout: 30_000 });
    await plan.locator('[data-testid=plan-apply]').click();
    await plan.waitFor({ state: 'hidden' });
    const toast = page.locator('[data-testid=toast][data-kind=error]', { hasText: 'does not exist in the registry' });
    await toast.waitFor({ timeout: 30_000 });
    await shot(page, 't02-error-toast');
    await toast.locator('button[aria-label=Dismiss]').click();
    await toast.waitFor({ state: 'detached' });
  });

  it('ends a refused deploy with the error and no progress bar', async () => {
    await page.click(`a:has-text("${BAD}")`);
    await page.click('header button:has-text("Deploy")');
    // the confirmation's dry run already says why (issue 18); deploying anyway is refused the same way
    const dialog = page.locator('[data-testid=plan-dialog]');
    await page.waitForFunction(
      () => /does not exist in the registry/.test(document.querySelector('[data-testid=plan-dialog]')?.textContent ?? ''),
      null,
      {
        timeout: 30_000,
      },
    );
    await dialog.locator('[data-testid=plan-apply]').click();
    const error = page.locator('[data-testid=deploy-error]');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /does not exist in the registry/);
    await page.locator('header button:has-text("Deploy")').waitFor();
    await sleep(1_500);
    assert.equal(await page.locator('[data-testid=deploy-progress]').count(), 0, 'no progress bar under a refused deploy');
    assert.equal(await page.locator('[role=progressbar]').count(), 0);
    await shot(page, 't03-refused-deploy');
  });

  it('shows drift on the list and the dashboard after an edit that is not deployed', async () => {
    await api('PUT', `/api/services/${WEB}`, definition('2'));
    await page.goto(`${app.base}/services`);
    await page.locator(`tr[data-service="${WEB}"] [data-testid=drift-badge]`).waitFor({ timeout: 10_000 });
    await page.click('nav >> text=Dashboard');
    const item = page.locator(`li[data-service="${WEB}"]`);
    await item.waitFor({ timeout: 10_000 });
    assert.match(await item.innerText(), /drift/);
    assert.equal(await page.locator('[data-testid=attention-none]').count(), 0);
    await shot(page, 't04-drift-dashboard');
    // deployed, the badge goes
    await api('POST', `/api/services/${WEB}/deploy?wait=true&timeout=90`);
    await page.click('nav >> text=Services');
    await page.locator(`tr[data-service="${WEB}"]`).waitFor();
    await waitFor(
      async () => (await page.locator(`tr[data-service="${WEB}"] [data-testid=drift-badge]`).count()) === 0,
      10_000,
      'the drift badge to go',
    );
  });

  it('follows a rollback to its end, header and panel agreeing', async () => {
    // an update to roll back from
    await api('PUT', `/api/services/${WEB}`, definition('3'));
    await api('POST', `/api/services/${WEB}/deploy?wait=true&timeout=90`);
    await page.goto(`${app.base}/services/${WEB}`);
    await page.locator('[data-testid=service-status]').waitFor();
    await page.click('[data-testid=rollback]');
    const panel = page.locator('[data-testid=rollback-progress]');
    await panel.waitFor({ timeout: 10_000 });
    const seen = [];
    const contradictions = [];
    await waitFor(
      async () => {
        // both read in one go: two reads could straddle a refresh
        const [header, text] = await page.evaluate(() => [
          document.querySelector('[data-testid=service-status]')?.textContent ?? '',
          document.querySelector('[data-testid=rollback-progress]')?.textContent ?? '',
        ]);
        seen.push(`${header} | ${text.replace(/\s+/g, ' ')}`);
        if (/updating/.test(header) && /converged/.test(text)) contradictions.push(`${header} | ${text}`);
        return /converged/.test(text);
      },
      90_000,
      'the rollback to converge',
    ).catch(async (err) => {
      const s = await api('GET', `/api/services/${WEB}`);
      throw new Error(
        `${err.message}; seen: ${[...new Set(seen)].join(' ; ')}; API: ${JSON.stringify({ status: s.status, running: s.replicasRunning, desired: s.replicasDesired, update: s.live?.updateStatus })}`,
      );
    });
    assert.deepEqual(contradictions, [], 'the header says updating while the panel says converged');
    assert.ok(
      seen.some((s) => /rollback started/.test(s)),
      `the panel showed the rollback under way: ${[...new Set(seen)].join(' ; ')}`,
    );
    assert.match(await page.locator('[data-testid=service-status]').innerText(), /running/);
    const running = /(\d+) \/ (\d+) replicas running/.exec(await panel.innerText());
    assert.ok(running && running[1] === running[2], `the panel ends all running: ${await panel.innerText()}`);
    await shot(page, 't05-rollback');
  });

  it("follows a CLI scale in the nodes' task counts within 2 s", async () => {
    await page.click('nav >> text=Dashboard');
    await page.locator('article[data-node] [data-testid=tasks]').first().waitFor();
    const fromApi = async () => Object.fromEntries((await api('GET', '/api/nodes')).map((n) => [n.hostname, n.runningTasks]));
    const fromUi = async () =>
      Object.fromEntries(
        await page
          .locator('article[data-node]')
          .evaluateAll((els) => els.map((e) => [e.dataset.node, Number(e.querySelector('[data-testid=tasks]').textContent)])),
      );
    const sum = (m) => Object.values(m).reduce((a, b) => a + b, 0);
    await waitFor(
      async () => JSON.stringify(await fromUi()) === JSON.stringify(await fromApi()),
      15_000,
      'the cards to match the API before the scale',
    );
    const before = sum(await fromApi());
    const target = replicasOf(WEB) + 2;
    docker('service', 'scale', '--detach', `${WEB}=${target}`);
    let apiAt = 0;
    let apiCounts;
    await waitFor(
      async () => {
        const counts = await fromApi();
        if (sum(counts) !== before + 2) return false;
        apiCounts = counts;
        apiAt = Date.now();
        return true;
      },
      60_000,
      'the API to count the new tasks',
    );
    await waitFor(
      async () => JSON.stringify(await fromUi()) === JSON.stringify(apiCounts),
      2_000,
      `the cards to show ${JSON.stringify(apiCounts)} (they show ${JSON.stringify(await fromUi())})`,
    );
    timings.nodeCountsAfterApiMs = Date.now() - apiAt;
    await shot(page, 't06-node-counts');
  });

  it('lists a CLI-made service within 2 s and links its task from a node page to a live view', async () => {
    await page.click('nav >> text=Services');
    await page.locator(`tr[data-service="${WEB}"]`).waitFor();
    docker('service', 'create', '--detach', '--name', CLI, '--label', 'made-by=cli', process.env.LAB_IMAGE, 'sleep', '3600');
    const started = Date.now();
    const row = page.locator(`tr[data-service="${CLI}"][data-catalog="false"]`);
    await row.waitFor({ timeout: 2_000 });
    timings.cliServiceListedMs = Date.now() - started;
    assert.match(await row.innerText(), /not in the catalog/);
    await shot(page, 't07-cli-service-listed');

    await waitFor(
      () => docker('service', 'ps', CLI, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}').startsWith('Running'),
      30_000,
      'the CLI task to run',
    );
    const node = docker('service', 'ps', CLI, '--filter', 'desired-state=running', '--format', '{{.Node}}').trim().split('\n')[0];
    await page.click('nav >> text=Nodes');
    await page.click(`a:has-text("${node}")`);
    const link = page.locator('[data-testid=node-tasks] a', { hasText: CLI });
    await link.waitFor({ timeout: 10_000 });
    await link.click();
    await page.waitForURL(`**/services/live/${CLI}`);
    await page.locator('[data-testid=live-tasks]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('main').innerText(), /not in the catalog/);
    assert.match(await page.locator('[data-testid=live-tasks]').innerText(), new RegExp(node));
    await shot(page, 't07a-live-service');
  });

  it('passes axe-core (no serious or critical violation) on every page, desktop', async () => {
    const nodeId = (await api('GET', '/api/nodes'))[0].id;
    const pages = [
      '/',
      '/services',
      `/services/${WEB}`,
      `/services/live/${CLI}`,
      '/nodes',
      `/nodes/${nodeId}`,
      '/registry',
      '/tokens',
      '/audit',
      '/about',
    ];
    const found = {};
    for (const path of pages) {
      await page.goto(`${app.base}${path}`);
      await page.locator('main h1').first().waitFor({ timeout: 10_000 });
      await sleep(500);
      const v = await axeViolations(page);
      if (v.length) found[path] = v;
    }
    assert.deepEqual(found, {});
  });

  it('works at 390×844 in dark mode: no sideways scroll, a menu, no serious axe violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    const phone = await ctx.newPage();
    watchErrors(phone, errors);
    answerConfirmations(phone);
    await signIn(phone, app.base, TOKEN);
    const nodeId = (await api('GET', '/api/nodes'))[0].id;
    const pages = [
      ['/', 'dashboard'],
      ['/services', 'services'],
      [`/services/${WEB}`, 'service'],
      [`/services/live/${CLI}`, 'live-service'],
      ['/nodes', 'nodes'],
      [`/nodes/${nodeId}`, 'node'],
      ['/registry', 'registry'],
      ['/tokens', 'tokens'],
      ['/audit', 'audit'],
      ['/about', 'about'],
    ];
    const overflow = {};
    const violations = {};
    for (const [path, name] of pages) {
      await phone.goto(`${app.base}${path}`);
      await phone.locator('main h1').first().waitFor({ timeout: 10_000 });
      if (name === 'registry') {
        await phone.click('button:has-text("busybox")');
        await phone.locator('tr[data-tag]').first().waitFor();
      }
      await sleep(500);
      const wider = await sidewaysOverflow(phone, 390);
      if (wider > 0) overflow[path] = wider;
      const v = await axeViolations(phone);
      if (v.length) violations[path] = v;
      await shot(phone, `t09-phone-${name}`);
    }
    assert.deepEqual(overflow, {}, 'pages wider than the phone (px)');
    assert.deepEqual(violations, {});

    // the navigation folds into a menu that reaches every section
    await phone.goto(`${app.base}/`);
    await phone.locator('[data-testid=whoami]').waitFor({ state: 'attached' });
    assert.equal(await phone.locator('nav[aria-label=Main] a:has-text("Registry")').isVisible(), false);
    await phone.click('[data-testid=menu]');
    await shot(phone, 't09-phone-menu');
    for (const label of ['Dashboard', 'Services', 'Nodes', 'Registry', 'Tokens', 'Audit', 'About'])
      assert.ok(await phone.locator(`nav[aria-label=Main] a:has-text("${label}")`).isVisible(), label);
    await phone.click('nav[aria-label=Main] a:has-text("Registry")');
    await phone.waitForURL('**/registry');
    assert.equal(await phone.locator('nav[aria-label=Main] a:has-text("Registry")').isVisible(), false, 'the menu closes after a choice');

    // the sign-in page too
    await phone.click('button:has-text("Sign out")');
    await phone.waitForURL('**/login**');
    assert.ok((await sidewaysOverflow(phone, 390)) <= 0);
    assert.deepEqual(await axeViolations(phone), []);
    await shot(phone, 't09-phone-login');
    await ctx.close();
  });

  it('drops a CLI-made service from the list within 2 s of its removal', async () => {
    await page.goto(`${app.base}/services`);
    const row = page.locator(`tr[data-service="${CLI}"]`);
    await row.waitFor();
    docker('service', 'rm', CLI);
    const started = Date.now();
    await row.waitFor({ state: 'detached', timeout: 2_000 });
    timings.cliServiceGoneMs = Date.now() - started;
  });

  it('lets an admin issue a token (shown once, with a copy button), revoke it, and find both in the audit log', async () => {
    await page.goto(`${app.base}/`);
    await page.click('nav >> text=Tokens');
    const form = page.locator('[data-testid=issue-token]');
    await form.locator('button[type=submit]').click();
    assert.match(await form.locator('[role=alert]').innerText(), /name is required/);
    await page.fill('#token-name', 'e2e-ci');
    await page.selectOption('#token-role', 'operator');
    await form.locator('button[type=submit]').click();
    const issued = page.locator('[data-testid=issued-token]');
    await issued.waitFor();
    const value = (await issued.locator('[data-testid=issued-value]').innerText()).trim();
    assert.match(value, /^so_/);
    assert.equal(await issued.locator('[data-testid=copy]').count(), 1);
    const me = await (await fetch(`${app.base}/api/auth/me`, { headers: { authorization: `Bearer ${value}` } })).json();
    assert.equal(me.role, 'operator');
    const row = page.locator('tr[data-token="e2e-ci"]');
    await row.waitFor();
    await shot(page, 't11-tokens');
    await row.locator('button:has-text("Revoke")').click();
    await row.locator('text=revoked').waitFor();
    assert.equal((await fetch(`${app.base}/api/auth/me`, { headers: { authorization: `Bearer ${value}` } })).status, 401);
    // the token is not shown again on a later visit
    await page.click('nav >> text=Audit');
    await page.click('nav >> text=Tokens');
    assert.equal(await page.locator('[data-testid=issued-token]').count(), 0);

    await page.click('nav >> text=Audit');
    await page.locator('[data-testid=audit-entry]').first().waitFor();
    await page.fill('input[type=search]', 'tokens/:id');
    await waitFor(async () => (await page.locator('[data-testid=audit-entry]').count()) === 1, 5_000, 'one revoke in the audit log');
    assert.match(await page.locator('[data-testid=audit-entry]').innerText(), /DELETE \/api\/auth\/tokens\/:id/);
    await page.fill('input[type=search]', 'no-such-actor-anywhere');
    await page.locator('[data-testid=empty]').waitFor();
    await shot(page, 't11-audit');
  });

  it('keeps the registry honest: a message for an empty search, a copy button for digests, one spelling of platforms', async () => {
    await page.click('nav >> text=Registry');
    // the audit page before it has a search box and an empty message too: wait for the registry's own
    await page.waitForURL('**/registry');
    await page.locator('main h1', { hasText: 'Registry' }).waitFor();
    await page.fill('input[type=search]', 'zzz-nothing');
    assert.match(await page.locator('[data-testid=empty]').innerText(), /No repository matches/);
    await page.fill('input[type=search]', '');
    // `/` jumps to the search box
    await page.locator('main h1').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
    await page.click('button:has-text("busybox")');
    const row = page.locator('tr[data-tag="1.0"]');
    await row.waitFor();
    assert.equal(await row.locator('[data-testid=copy]').count(), 1);
    const listed = (await row.locator('[data-testid=platforms]').innerText()).split(', ').map((s) => s.trim());
    await row.locator('button:has-text("1.0")').click();
    const details = page.locator('[data-testid=tag-details]');
    await details.waitFor();
    // a multi-platform tag names each platform in its details exactly as the list does (linux/arm64/v8, not linux/arm64)
    const text = await details.innerText();
    if (listed.length > 1) for (const p of listed) assert.ok(text.includes(`${p} `), `the details name ${p}: ${text}`);
    await shot(page, 't12-registry');
  });

  for (const [how, end] of [
    ['expired', /Your session expired/],
    ['revoked', /Your token was revoked/],
  ]) {
    it(`says on the sign-in page that the session ${how}, with no green live dot`, async () => {
      const expiresAt = how === 'expired' ? new Date(Date.now() + 6_000).toISOString() : undefined;
      const created = await api('POST', '/api/auth/tokens', { name: `e2e-${how}`, role: 'viewer', ...(expiresAt ? { expiresAt } : {}) });
      const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const p = await ctx.newPage();
      watchErrors(p, errors);
      await signIn(p, app.base, created.token);
      await p.locator('[data-testid=live]', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      // an expiry is known in advance: the session ends on time, without waiting for a refused request
      if (how === 'revoked') {
        await api('DELETE', `/api/auth/tokens/${created.id}`);
        // the registry's list is not cached yet: the click asks the API, which refuses the token
        // (a live refresh may ask first and end the session before the click: that is fine too)
        await p.click('nav >> text=Registry', { timeout: 3_000 }).catch(() => undefined);
      }
      await p.waitForURL('**/login**', { timeout: 15_000 });
      const notice = p.locator('[data-testid=session-ended]');
      await notice.waitFor({ timeout: 5_000 });
      assert.match(await notice.innerText(), end);
      assert.match(await notice.innerText(), new RegExp(`e2e-${how}`));
      assert.equal(await p.locator('[data-testid=live]').count(), 0, 'no live dot on the sign-in page');
      assert.equal(await p.locator('.bg-emerald-500').count(), 0);
      await shot(p, `t10-session-${how}`);
      await ctx.close();
    });
  }

  it('raised no page error and logged no error of its own', () => {
    assert.deepEqual(errors.page, []);
    assert.deepEqual(errors.console, []);
  });
});
