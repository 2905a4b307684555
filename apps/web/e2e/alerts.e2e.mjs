// Journeys for editing alerts from the dashboard (issue 20): an admin changes a rule, adds a
// webhook channel and tests it against a local receiver, mutes and unmutes a service; a viewer
// sees the same page without a control to change it. Real Chromium against the built app on
// the lab; run with the lab's environment exported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { axeViolations, callApi, launchChromium, SHOTS, startApp, waitFor } from './harness.mjs';

const TOKEN = 'so_e2e_admin_alerts_0123456789abcdefghi';
const SECRET = 'a-e2e-hmac-secret-0123456789';
const SERVICE = 'a-web';

let app;
let browser;
let page;
let receiver;
const received = [];
const pageErrors = [];
const dialogs = [];

const api = (method, path, body) => callApi(app.base, TOKEN, method, path, body);
const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const toast = (p, kind, text) => p.locator(`[data-testid=toast][data-kind=${kind}]`, { hasText: text }).first();

async function signIn(p, token) {
  await p.goto(`${app.base}/login`);
  await p.fill('#token', token);
  await p.click('button[type=submit]');
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Whether the webhook's signature checks out with `secret`, as the README tells a receiver to check it. */
const signedWith = (r, secret) =>
  r.headers['x-swarm-signature'] ===
  `sha256=${createHmac('sha256', secret).update(`${r.headers['x-swarm-timestamp']}.${r.raw}`).digest('hex')}`;

before(async () => {
  assert.ok(process.env.DOCKER_HOST, 'the lab environment must be exported');
  mkdirSync(SHOTS, { recursive: true });
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url, headers: req.headers, raw, body: JSON.parse(raw) });
      res.end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  app = await startApp(TOKEN);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await signIn(page, TOKEN);
});

after(async () => {
  receiver?.close();
  await browser?.close();
  app?.stop();
});

describe('editing alerts from the dashboard', () => {
  it('an admin changes a rule’s for: in the form; a bad value is shown at its field and changes nothing', async () => {
    await page.goto(`${app.base}/alerts`);
    const form = page.locator('[data-testid=rules-form]');
    const forField = form.locator('[data-field="replicas_below.for"]');
    await forField.waitFor({ timeout: 15_000 });
    assert.equal(await forField.inputValue(), '30s', 'the built-in damping');

    await forField.fill('soon');
    await form.locator('[data-testid=rules-save]').click();
    await form.locator('#rule-replicas_below-for-error').waitFor({ timeout: 10_000 });
    assert.match(await form.locator('#rule-replicas_below-for-error').innerText(), /must be a duration/);
    assert.equal(await forField.getAttribute('aria-invalid'), 'true');
    assert.equal((await api('GET', '/api/alerts/rules')).rules.replicas_below.for, 30, 'a refused value changes nothing');

    await forField.fill('45s');
    await form.locator('[data-testid=rules-save]').click();
    await toast(page, 'success', 'alert rules saved').waitFor({ timeout: 10_000 });
    const rules = await api('GET', '/api/alerts/rules');
    assert.equal(rules.rules.replicas_below.for, 45);
    assert.match(rules.yaml, /replicas_below:\n\s+for: 45s/);
    assert.equal(await form.locator('#rule-replicas_below-for-error').count(), 0);
    await page.reload();
    assert.equal(await page.locator('[data-field="replicas_below.for"]').inputValue(), '45s');
  });

  it('an admin edits the file as YAML: a bad key is refused at its line and the file stays; comments are kept', async () => {
    const before = (await api('GET', '/api/alerts/rules')).yaml;
    await page.locator('[data-testid=rules-as-yaml]').click();
    const editor = page.locator('[data-testid=rules-yaml]');
    const text = editor.locator('textarea');
    assert.equal(await text.inputValue(), before);
    await text.fill('rules:\n  # paging at night\n  node_down:\n    severity: loud\n');
    await editor.locator('button:has-text("Save file")').click();
    const error = editor.locator('#rules-yaml-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /^Line 4: rules\.node_down\.severity: must be one of critical, warning, info \(line 4\)/);
    assert.equal((await api('GET', '/api/alerts/rules')).yaml, before, 'the file is untouched');

    await text.fill('rules:\n  # paging at night\n  node_down:\n    repeat: 30m\n  replicas_below:\n    for: 45s\n');
    await editor.locator('button:has-text("Save file")').click();
    await toast(page, 'success', 'alert rules file saved').waitFor({ timeout: 10_000 });
    await editor.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('[data-field="node_down.repeat"]').inputValue(), '30m');
    // the form's next change keeps the comment
    await page.locator('[data-field="node_down.repeat"]').fill('0');
    await page.locator('[data-testid=rules-save]').click();
    await toast(page, 'success', 'alert rules saved').waitFor({ timeout: 10_000 });
    const rules = await api('GET', '/api/alerts/rules');
    assert.equal(rules.rules.node_down.repeat, 0);
    assert.match(rules.yaml, /# paging at night/);
    assert.doesNotMatch(rules.yaml, /repeat/);
  });

  it('an admin adds a webhook channel, sends a test the receiver can verify, and an edit keeps the masked secret', async () => {
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    await page.locator('[data-testid=channel-new]').click();
    const form = page.locator('[data-testid=channel-form]');
    await form.locator('#channel-name').fill('a-hook');
    await form.locator('#channel-type').selectOption('webhook');
    await form.locator('#channel-url').fill(url);
    await form.locator('#channel-secret').fill('short');
    await form.locator('[data-testid=channel-save]').click();
    // the API's refusal names the field; the form shows it beside it
    await form.locator('#channel-secret-error').waitFor({ timeout: 10_000 });
    assert.match(await form.locator('#channel-secret-error').innerText(), /at least 16 characters/);

    await form.locator('#channel-secret').fill(SECRET);
    await form.locator('[data-testid=channel-save]').click();
    await toast(page, 'success', 'channel a-hook added').waitFor({ timeout: 10_000 });
    const row = page.locator('[data-channel=a-hook]');
    await row.waitFor();
    assert.match(await row.innerText(), /untested/);

    await row.locator('button:has-text("Send test")').click();
    await toast(page, 'success', 'test notice sent through a-hook').waitFor({ timeout: 15_000 });
    await waitFor(async () => received.some((r) => r.body.event === 'test'), 5_000, 'the test at the receiver');
    const first = received.find((r) => r.body.event === 'test');
    assert.equal(first.path, '/hook');
    assert.ok(signedWith(first, SECRET), 'signed with the secret typed in');
    await waitFor(async () => /ok/.test(await row.innerText()), 10_000, 'the channel ok');

    // edit: the secret comes back masked; saving without touching it keeps the stored one
    await row.locator('button:has-text("Edit")').click();
    const edit = row.locator('[data-testid=channel-form]');
    assert.equal(await edit.locator('#channel-secret').inputValue(), '********');
    await edit.locator('fieldset', { hasText: 'Severities' }).locator('label', { hasText: 'critical' }).locator('input').check();
    await edit.locator('[data-testid=channel-save]').click();
    await toast(page, 'success', 'channel a-hook saved').waitFor({ timeout: 10_000 });
    const [stored] = await api('GET', '/api/alerts/channels');
    assert.deepEqual(stored.severities, ['critical']);
    assert.equal(stored.config.secret, '********');
    await row.locator('button:has-text("Send test")').click();
    await waitFor(async () => received.filter((r) => r.body.event === 'test').length === 2, 15_000, 'the second test');
    assert.ok(signedWith(received.filter((r) => r.body.event === 'test')[1], SECRET), 'still the original secret');
  });

  it('an admin mutes a service for a time, sees who and until when, and unmutes it', async () => {
    await page.locator('[data-testid=mute-new]').click();
    const form = page.locator('[data-testid=mute-form]');
    await form.locator('#mute-scope').selectOption('service');
    await form.locator('#mute-target').fill(SERVICE);
    await form.locator('#mute-duration').selectOption('4h');
    await form.locator('#mute-reason').fill('e2e maintenance');
    await form.locator('[data-testid=mute-save]').click();
    await toast(page, 'success', `muted ${SERVICE} for 4h`).waitFor({ timeout: 10_000 });
    const mute = page.locator(`[data-testid=mutes] [data-mute="${SERVICE}"]`);
    await mute.waitFor({ timeout: 10_000 });
    const text = await mute.innerText();
    assert.match(text, new RegExp(`service ${SERVICE}`));
    assert.match(text, /muted by ADMIN_TOKEN until/);
    assert.match(text, /e2e maintenance/);
    const [m] = await api('GET', '/api/alerts/mutes');
    assert.equal(m.target, SERVICE);
    const hours = (Date.parse(m.until) - Date.now()) / 3_600_000;
    assert.ok(hours > 3.9 && hours <= 4, `until in 4 h: ${m.until}`);
    assert.deepEqual(await axeViolations(page), []);
    await shot(page, 'a01-alerts-admin');

    await mute.locator('button:has-text("Unmute")').click();
    await toast(page, 'success', `unmuted service ${SERVICE}`).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=mutes-none]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await api('GET', '/api/alerts/mutes'), []);
    const history = await api('GET', '/api/alerts/history');
    assert.ok(history.events.some((e) => e.kind === 'unmuted' && e.message.includes(SERVICE) && e.actor === 'ADMIN_TOKEN'));
  });

  it('a viewer sees the rules, the mutes and who muted, and no control to change them', async () => {
    const viewer = await api('POST', '/api/auth/tokens', { name: 'e2e-alerts-viewer', role: 'viewer' });
    await api('POST', '/api/alerts/mutes', { scope: 'node', target: 'rog1', duration: '1h', reason: 'disk swap' });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(p, viewer.token);
    await p.goto(`${app.base}/alerts`);
    const form = p.locator('[data-testid=rules-form]');
    await form.locator('[data-field="replicas_below.for"]').waitFor({ timeout: 15_000 });
    assert.equal((await form.locator('[data-field="replicas_below.for"]').innerText()).trim(), '45s');
    assert.equal(await form.locator('input, select').count(), 0, 'no rule can be edited');
    assert.equal(await p.locator('[data-testid=rules-save]').count(), 0);
    await p.locator('[data-testid=mutes] [data-mute=rog1]').waitFor();
    assert.match(await p.locator('[data-testid=mutes]').innerText(), /node rog1.*muted by ADMIN_TOKEN/s);
    for (const hidden of ['button:has-text("Unmute")', '[data-testid=mute-new]', '[data-testid=channel-new]', '#channels-heading'])
      assert.equal(await p.locator(hidden).count(), 0, `${hidden} is hidden from a viewer`);
    assert.deepEqual(await axeViolations(p), []);
    await shot(p, 'a02-alerts-viewer');
    await ctx.close();
  });

  it('raised no page error and no unexpected dialog', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(dialogs, []);
  });
});
