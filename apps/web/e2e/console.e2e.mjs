// The console (issue 21): from Chromium, a shell in a task running on rog1, through
// the app and the agent of the production stack deployed INTO the lab (the app on
// this host cannot reach the agents' overlay network). Run with the lab's
// environment exported and the app built (npm run build): the stack's image is
// built from dist/ (CONSOLE_E2E_BUILD=false reuses the one the last run pushed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { callApi, launchChromium, SHOTS, sleep, waitFor, prodStackDown, prodStackUp } from './harness.mjs';

const STACK = 'socon';
const PORT = 18930;
const TOKEN = 'so_e2e_console_admin_0123456789abcdefgh';
// a name of its own per run: the stack's data volume outlives `docker stack rm`, and with it the catalog
const RUN = Date.now().toString(36);
const SERVICE = `t-console-${RUN}`;

let base;
let browser;
const timings = {};
const api = (method, path, body, token = TOKEN) => callApi(base, token, method, path, body);
const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`) });

async function signIn(page, token) {
  await page.goto(`${base}/login`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const terminalText = (page) => page.locator('[data-testid=console-terminal] .xterm-rows').innerText();

async function waitForTerminal(page, pattern, what) {
  await waitFor(async () => pattern.test(await terminalText(page)), 15_000, `${what} in the terminal`);
}

/** Opens the console of the first running task on the service page and connects with `command`. */
async function openConsole(page, command = 'sh') {
  await page.goto(`${base}/services/${SERVICE}`);
  await page.locator('[data-testid=console-button]').first().click();
  await page.locator('[data-testid=console-dialog]').waitFor();
  await page.fill('[data-testid=console-command]', command);
  await page.click('[data-testid=console-connect]');
  await waitFor(async () => /^Connected:/.test(await page.locator('[data-testid=console-status]').innerText()), 20_000, 'connected');
}

async function typeInTerminal(page, text) {
  await page.locator('[data-testid=console-terminal] .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_IMAGE, 'the lab environment must be exported');
  mkdirSync(SHOTS, { recursive: true });
  const started = Date.now();
  const stack = prodStackUp(STACK, PORT, TOKEN, process.env.CONSOLE_E2E_BUILD !== 'false');
  timings.stackUpMs = Date.now() - started;
  base = stack.base;
  // every node's agent connected (the app polls them every few seconds)
  await waitFor(
    async () => {
      const agents = await api('GET', '/api/agents');
      const list = Array.isArray(agents) ? agents : (agents.agents ?? agents.nodes ?? []);
      return ['mini2', 'spark1', 'rog1'].every((h) => list.find((a) => a.hostname === h)?.state === 'connected');
    },
    120_000,
    'the three agents connected',
  );
  await api(
    'POST',
    '/api/services',
    `name: ${SERVICE}\ndescription: console journey\nimage: ${process.env.LAB_IMAGE}\ncommand: ["sleep", "3600"]\ndeploy:\n  replicas: 1\n  placement:\n    constraints: ["node.hostname==rog1"]\n`,
  );
  await api('POST', `/api/services/${SERVICE}/deploy?wait=true&timeout=90`);
  browser = await launchChromium();
});

after(async () => {
  try {
    if (base) await api('POST', `/api/services/${SERVICE}/stop`).catch(() => undefined);
  } finally {
    await browser?.close();
    prodStackDown(STACK);
    console.log(`# timings ${JSON.stringify(timings)}`);
  }
});

describe('console into a task on rog1 (production stack in the lab)', () => {
  it('an admin runs hostname and $((6*7)) in the task on rog1, and the terminal follows the window', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, TOKEN);
    const task = (await api('GET', `/api/services/${SERVICE}`)).tasks.find((t) => t.state === 'running');
    assert.equal(task.nodeHostname, 'rog1');
    // what rog1's own Engine says the task's container is (its hostname is the short container id)
    const containerId = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.swarm.task.id=${task.id}`], {
      env: { ...process.env, DOCKER_HOST: process.env.LAB_SOCK_rog1 },
      encoding: 'utf8',
    }).trim();
    assert.equal(containerId.length, 12);
    const started = Date.now();
    await openConsole(page);
    timings.openMs = Date.now() - started;
    assert.match(await page.locator('[data-testid=console-status]').innerText(), new RegExp(`in ${SERVICE}\\.1 on rog1`));
    assert.match(await page.locator('[data-testid=console-target]').innerText(), /on rog1 · agent connected/);
    await typeInTerminal(page, 'hostname');
    await waitForTerminal(page, new RegExp(`^${containerId}$`, 'm'), 'the container hostname');
    await typeInTerminal(page, 'echo $((6*7))');
    await waitForTerminal(page, /^42$/m, '42');
    // `stty size` answers "rows cols": the last such line on the screen
    const sizes = async () => [...(await terminalText(page)).matchAll(/^(\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    await typeInTerminal(page, 'stty size');
    await waitFor(async () => (await sizes()).length === 1, 10_000, 'the size');
    const [[rows, cols]] = await sizes();
    await shot(page, 'console-rog1');
    // a smaller window: the terminal refits and the shell is told
    await page.setViewportSize({ width: 900, height: 700 });
    await sleep(500);
    await typeInTerminal(page, 'stty size');
    await waitFor(async () => (await sizes()).length === 2, 10_000, 'the new size');
    const [, [rows2, cols2]] = await sizes();
    timings.sizes = `${rows}x${cols} -> ${rows2}x${cols2}`;
    assert.ok(cols2 < cols && rows2 <= rows, `${rows}x${cols} then ${rows2}x${cols2}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the node page has the console too; viewer and operator get no button and their tokens are refused', async () => {
    const admin = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(admin, TOKEN);
    const rog1 = (await api('GET', '/api/nodes')).find((n) => n.hostname === 'rog1');
    await admin.goto(`${base}/nodes/${rog1.id}`);
    await admin.locator('[data-testid=node-tasks] [data-testid=console-button]').first().waitFor();
    await admin.close();

    const task = (await api('GET', `/api/services/${SERVICE}`)).tasks.find((t) => t.state === 'running');
    for (const role of ['viewer', 'operator']) {
      const { token } = await api('POST', '/api/auth/tokens', { name: `e2e-console-${role}-${RUN}`, role });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await signIn(page, token);
      await page.goto(`${base}/services/${SERVICE}`);
      await page.getByText(/#1/).first().waitFor();
      assert.equal(await page.locator('[data-testid=console-button]').count(), 0, `${role}: no console button`);
      // forcing it from the page: the handshake is refused, the socket never opens
      const outcome = await page.evaluate(
        ({ taskId, token }) =>
          new Promise((resolve) => {
            const b64 = btoa(token).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
            const ws = new WebSocket(`ws://${location.host}/api/console/tasks/${taskId}/session`, ['swarm-console', `bearer.${b64}`]);
            let opened = false;
            ws.onopen = () => (opened = true);
            ws.onclose = (e) => resolve({ opened, code: e.code });
          }),
        { taskId: task.id, token },
      );
      assert.deepEqual(outcome, { opened: false, code: 1006 }, `${role}: refused before opening`);
      const res = await fetch(`${base}/api/console/tasks/${task.id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 403);
      assert.match((await res.json()).message, new RegExp(`needs admin; the token "e2e-console-${role}-${RUN}" is ${role}`));
      await page.close();
    }
  });

  it('revoking the token ends the open session within 5 s and the terminal says why; the audit log has the sessions', async () => {
    const { token, id } = await api('POST', '/api/auth/tokens', { name: `e2e-console-admin2-${RUN}`, role: 'admin' });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, token);
    await openConsole(page);
    await typeInTerminal(page, 'echo before-revoke');
    await waitForTerminal(page, /^before-revoke$/m, 'the echo');
    const revokedAt = Date.now();
    await api('DELETE', `/api/auth/tokens/${id}`);
    await waitFor(async () => /token revoked/.test(await page.locator('[data-testid=console-status]').innerText()), 5_000, 'the end');
    timings.revokeToEndMs = Date.now() - revokedAt;
    assert.ok(timings.revokeToEndMs < 5_000);
    await waitForTerminal(page, /token revoked/, 'the reason in the terminal');
    await shot(page, 'console-revoked');
    await page.close();

    const { entries } = await api('GET', '/api/audit?limit=200');
    const sessions = entries.filter((e) => e.action === 'console session');
    const revoked = sessions.find((e) => e.actor === `e2e-console-admin2-${RUN}`);
    assert.ok(revoked, 'the revoked session is audited');
    assert.equal(revoked.params.reason, 'token revoked');
    assert.equal(revoked.params.node, 'rog1');
    assert.deepEqual(revoked.params.command, ['sh']);
    assert.ok(revoked.durationMs > 0);
    assert.ok(
      sessions.some((e) => e.actor === 'ADMIN_TOKEN' && e.params.service === SERVICE),
      'the admin session is audited',
    );
    assert.ok(
      entries.some((e) => e.action === 'console' && e.actor === `e2e-console-operator-${RUN}` && e.status === 403),
      'the refused operator attempt is audited',
    );
  });
});
