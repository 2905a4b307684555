#!/usr/bin/env node
// What .mcp.json starts: `node scripts/mcp-stdio.mjs` from the project root,
// node itself with no npm in between (npm would outlive a signal and cost a
// quarter second). It runs the built launcher in this same process; on a fresh
// checkout (no dist yet) it builds the API once first, its output on stderr
// because stdout belongs to the MCP protocol.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(root, 'dist/apps/api/src/mcp-launcher.js');

if (!existsSync(launcher)) {
  process.stderr.write('swarm-orchestrator MCP: no build yet, running `npm run build:api` once…\n');
  try {
    execFileSync('npm', ['run', '--silent', 'build:api'], { cwd: root, stdio: ['ignore', 2, 2] });
  } catch {
    process.stderr.write('swarm-orchestrator MCP: the build failed; run `npm ci && npm run build:api` in the project root and see why\n');
    process.exit(1);
  }
}
// the launcher is CommonJS (nest build): load it as such, in this process
createRequire(import.meta.url)(launcher);
