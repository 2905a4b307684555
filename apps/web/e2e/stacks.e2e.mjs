// The Stacks pages in Debian's Chromium (playwright-core), against the built
// app on the lab, with the lab's environment (DOCKER_HOST, LAB_*) exported:
// a compose error shown at its line, a stack created with a variable and a
// file, deployed with its progress, its merged logs filtered, a stack made by
// `docker stack deploy` listed beside it, and the stack stopped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, launchChromium, removeStack, shot as screenshot, startApp, waitFor } from './harness.mjs';
import { answerConfirmations } from './confirm.mjs';

const TOKEN = 'so_e2e_admin_0123456789abcdefghijklmnop';
const STACK = 'e2estack';
const CLI_STACK = 'e2ecli';

let app;
let browser;
let page;

const shot = (name) => screenshot(page, name);

const compose = (image, volume) => `services:
  web:
    image: \${IMAGE}
    command: ["sh", "-c", "echo web ready; while true; do echo web beat; sleep 1; done"]
    networks: [front]
    configs:
      - source: motd
        target: /etc/motd
    environment:
      API_TOKEN: \${API_TOKEN}
    stop_grace_period: 1s
${volume ? '    volumes:\n      - ./data:/data\n' : ''}  worker:
    image: ${image}
    command: ["sh", "-c", "while true; do echo worker tick; sleep 1; done"]
    networks: [front]
    stop_grace_period: 1s
networks:
  front:
configs:
  motd:
    file: ./motd.txt
`;

before(async () => {
  assert.ok(process.env.DOCKER_HOST && process.env.LAB_IMAGE, 'the lab environment must be exported (set -a; . $LAB_DIR/lab.env)');
  removeStack(STACK);
  removeStack(CLI_STACK);
  app = await startApp(TOKEN);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  answerConfirmations(page);
});

after(async () => {
  removeStack(STACK);
  removeStack(CLI_STACK);
  await browser?.close();
  app?.stop();
});

describe('stacks in Chromium', () => {
  it('signs in and opens the Stacks page', async () => {
    await page.goto(`${app.base}/`);
    await page.waitForURL(/\/login/);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-node="mini2"]');
    await page.click('nav >> text=Stacks');
    await page.waitForURL(/\/stacks$/);
  });

  it('shows a refused compose file with the problem at its line, then creates the stack', async () => {
    await page.click('[data-testid="new-stack"]');
    await page.fill('[data-testid="stack-name"]', STACK);
    await page.fill('[data-testid="compose-editor"]', compose(process.env.LAB_IMAGE, true));
    // the template's variables and file: set the image, add a secret-looking variable, replace the file
    await page.fill('input[aria-label="variable IMAGE value"]', process.env.LAB_IMAGE);
    await page.click('text=+ variable');
    await page.fill('input[aria-label="variable 2 name"]', 'API_TOKEN');
    await page.fill('input[aria-label="variable API_TOKEN value"]', 'tok-e2e-s3cret');
    await page.fill('input[aria-label="file 1 path"]', 'motd.txt');
    await page.fill('textarea[aria-label="file motd.txt content"]', 'welcome\n');
    await page.click('[data-testid="stack-submit"]');
    const errors = page.locator('[data-testid="stack-errors"]');
    await errors.waitFor();
    assert.match(await errors.innerText(), /line 13\s*services\.web\.volumes\[0\]/);
    // the bind is on line 13 of the file: the gutter marks that line
    assert.equal(await page.locator('[data-bad-line]').getAttribute('data-bad-line'), '13');
    await shot('stacks-01-error-at-line');
    await page.fill('[data-testid="compose-editor"]', compose(process.env.LAB_IMAGE, false));
    await page.click('[data-testid="stack-submit"]');
    await page.waitForURL(new RegExp(`/stacks/${STACK}$`));
    await page.waitForSelector('[data-testid="stack-status"][data-status="not_deployed"]');
  });

  it('deploys it with progress service by service, until both converged', async () => {
    await page.click('[data-testid="stack-deploy"]');
    await page.waitForSelector('[data-testid="stack-result"]', { timeout: 150_000 });
    assert.match(await page.locator('[data-testid="stack-result"]').innerText(), /deploy converged/);
    const progress = await page.locator('[data-testid="stack-progress"]').innerText();
    assert.match(progress, new RegExp(`${STACK}_web\\s+created\\s+1 / 1\\s+converged`));
    assert.match(progress, new RegExp(`${STACK}_worker\\s+created\\s+1 / 1\\s+converged`));
    await page.waitForSelector('[data-testid="stack-status"][data-status="running"]', { timeout: 30_000 });
    await shot('stacks-02-deployed');
  });

  it('shows the variables with the secret masked', async () => {
    await page.click('button:has-text("definition")');
    const vars = await page.locator('[data-testid="stack-variables"]').innerText();
    assert.match(vars, /API_TOKEN\s+\*{8}/);
    assert.doesNotMatch(await page.content(), /tok-e2e-s3cret/);
  });

  it('merges the logs of both services, and the filter keeps one', async () => {
    await page.click('button:has-text("logs")');
    const lines = page.locator('[data-testid="stack-log-lines"]');
    await waitFor(
      async () => /web@\S+ web beat/.test(await lines.innerText()) && /worker@\S+ worker tick/.test(await lines.innerText()),
      30_000,
      'lines of both services',
    );
    await page.fill('[data-testid="stack-log-filter"]', 'worker tick');
    await waitFor(
      async () => {
        const text = await lines.innerText();
        return /worker tick/.test(text) && !/web beat/.test(text);
      },
      20_000,
      'only worker lines',
    );
    await shot('stacks-03-merged-logs-filtered');
  });

  it('lists a stack made with docker stack deploy beside it', async () => {
    const cliDir = mkdtempSync(join(tmpdir(), 'so-e2e-cli-'));
    writeFileSync(
      join(cliDir, 'stack.yml'),
      `services:\n  one:\n    image: ${process.env.LAB_IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`,
    );
    docker('stack', 'deploy', '--detach=true', '-c', join(cliDir, 'stack.yml'), CLI_STACK);
    await page.click('nav >> text=Stacks');
    await waitFor(
      async () => {
        await page.reload();
        const row = page.locator(`tr[data-stack="${CLI_STACK}"]`);
        return (await row.count()) === 1 && /swarm only \(CLI\)/.test(await row.innerText());
      },
      30_000,
      'the CLI stack listed',
    );
    assert.match(await page.locator(`tr[data-stack="${STACK}"]`).innerText(), /catalog/);
    await shot('stacks-04-list');
  });

  it('stops the stack and keeps its definition', async () => {
    await page.click(`tr[data-stack="${STACK}"] >> text=${STACK}`);
    await page.click('button:has-text("Stop")');
    await page.waitForSelector('[data-testid="stack-status"][data-status="not_deployed"]', { timeout: 60_000 });
    const left = docker('stack', 'ls', '--format', '{{.Name}}').split('\n');
    assert.ok(!left.includes(STACK), `docker stack ls still lists ${STACK}`);
  });
});
