// What the browser journeys share: the built app started against the lab, Chromium,
// polling, the docker CLI, the REST API, and the page checks (axe-core, phone width).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOTS = join(ROOT, 'apps/web/e2e/screenshots');
export const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `docker service rm` / `docker stack rm`, quiet when there is nothing to remove. */
export function removeService(name) {
  try {
    docker('service', 'rm', name);
  } catch {
    /* not there */
  }
}
export function removeStack(name) {
  try {
    docker('stack', 'rm', name);
  } catch {
    /* not there */
  }
}

/** A full-page screenshot into apps/web/e2e/screenshots/<name>.png. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The built app on a free port, with its own data and definitions directories. */
export async function startApp(token) {
  const port = 18100 + Math.floor(Math.random() * 350);
  const dir = mkdtempSync(join(tmpdir(), 'so-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: token,
      DATA_DIR: join(dir, 'data'),
      DEFINITIONS_DIR: join(dir, 'defs'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HEALTH_POLL_INTERVAL: '5',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/api/health`)).ok, 30_000, 'the app');
  return {
    base,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const launchChromium = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });

/** Signs in on the login page with `token` and waits to be let in. */
export async function signIn(page, base, token) {
  await page.goto(`${base}/login`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Collects every failure a page raises into `errors.page` and `errors.console`, so a journey can say "none". */
export function watchErrors(page, errors) {
  page.on('pageerror', (e) => errors.page.push(e.message));
  // a 4xx the app handles still logs "Failed to load resource"; anything else is the app's own error
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.console.push(m.text()));
}

/** A REST call as `token`; JSON in and out, YAML when `body` is a string. */
export async function callApi(base, token, method, path, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now. The source
 * goes in through the DevTools protocol: the app's CSP (rightly) refuses an inline
 * <script>, which is what page.addScriptTag would add.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`),
      }));
  });
}

/**
 * How far the document is wider than `width`, the viewport asked for (0 or less when nothing
 * scrolls sideways). Not window.innerWidth: a mobile viewport widens itself to fit wide content.
 */
export const sidewaysOverflow = (page, width) => page.evaluate(() => document.documentElement.scrollWidth).then((w) => w - width);

/**
 * The production stack (app + node agent) deployed into the lab through
 * test/fixtures/prod-stack-cli.ts: the app runs inside the swarm, where it
 * reaches the agents on the overlay network. `build: false` reuses the image
 * an earlier run pushed. Resolves to what the fixture prints (base URL, service names).
 */
const prodStackCli = (...args) =>
  execFileSync('npx', ['ts-node', '--transpile-only', 'test/fixtures/prod-stack-cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 900_000,
  });

export function prodStackUp(stack, port, token, build = true) {
  return JSON.parse(prodStackCli('up', stack, String(port), token, String(build)).trim().split('\n').at(-1));
}

export const prodStackDown = (stack) => prodStackCli('down', stack);
