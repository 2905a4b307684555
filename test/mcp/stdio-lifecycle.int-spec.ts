import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labEnv } from '../fixtures/lab';

const ROOT = join(__dirname, '../..');
jest.setTimeout(120_000);

/** The server exactly as Claude Code starts it: .mcp.json's command and arguments, from the project root. */
function mcpJsonServer(): { command: string; args: string[]; env: Record<string, string> } {
  const config = JSON.parse(readFileSync(join(ROOT, '.mcp.json'), 'utf8'));
  return config.mcpServers['swarm-orchestrator'];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process whose parent is `pid` (from /proc), so a child left behind is found too. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function gone(pids: number[], withinMs: number): Promise<number[]> {
  const end = Date.now() + withinMs;
  while (Date.now() < end && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

describe('the stdio MCP server as .mcp.json starts it', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/apps/api/src/mcp-launcher.js')))
      execFileSync('npm', ['run', 'build:api'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'so-mcp-life-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function connect() {
    const { command, args, env } = mcpJsonServer();
    const lab = labEnv();
    const transport = new StdioClientTransport({
      command,
      args,
      cwd: ROOT,
      // a developer's shell often has NODE_ENV=development: the server must start all the same
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        NODE_ENV: 'development',
        DOCKER_HOST: lab.DOCKER_HOST,
        REGISTRY_URL: lab.REGISTRY_URL,
        LOG_LEVEL: 'warn',
        DATA_DIR: join(dir, 'data'),
        DEFINITIONS_DIR: join(dir, 'defs'),
      },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'lifecycle-test', version: '1.0.0' });
    await client.connect(transport);
    const pid = transport.pid!;
    expect((await client.listTools()).tools.length).toBeGreaterThanOrEqual(15);
    return { client, transport, pids: [pid, ...childrenOf(pid)] };
  }

  it('starts node itself, with no machine-specific path', () => {
    const { command, args } = mcpJsonServer();
    expect(command).toBe('node');
    for (const a of args) expect(a.startsWith('/')).toBe(false);
  });

  it('exits when the client closes its stdin, leaving no process behind after 2 s', async () => {
    const { client, pids } = await connect();
    const started = Date.now();
    // the SDK client ends stdin, waits up to 2 s for the exit, then sends SIGTERM: the exit must come first
    await client.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await gone(pids, 2_000)).toEqual([]);
  });

  it('exits within a second on SIGTERM and on SIGINT, stdin still open', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { client, pids } = await connect();
      const started = Date.now();
      process.kill(pids[0], signal);
      expect(await gone([pids[0]], 1_000)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await gone(pids, 2_000)).toEqual([]);
      await client.close();
    }
  });

  it('the MCP Inspector CLI lists the tools through the .mcp.json command and exits by itself', async () => {
    const { command, args } = mcpJsonServer();
    const lab = labEnv();
    // from the npm cache when it is there (offline), else from the npm registry
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'npx',
        ['--prefer-offline', '-y', '@modelcontextprotocol/inspector@0.15', '--cli', command, ...args, '--method', 'tools/list'],
        {
          cwd: ROOT,
          timeout: 90_000,
          env: {
            ...process.env,
            DOCKER_HOST: lab.DOCKER_HOST,
            DATA_DIR: join(dir, 'data'),
            DEFINITIONS_DIR: join(dir, 'defs'),
            LOG_LEVEL: 'warn',
          },
        },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    // a server left holding the pipe would keep the inspector (and this call) waiting until the timeout
    expect(Date.now() - started).toBeLessThan(60_000);
    const names = (JSON.parse(out) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toContain('list_services');
    expect(names.length).toBeGreaterThanOrEqual(15);
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('scripts/mcp-stdio.mjs') && l.includes(dir));
    expect(left).toEqual([]);
  });
});
