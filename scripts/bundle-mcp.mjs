// The stdio MCP server as one file: dist/mcp/server.js. An agent starts a fresh
// process for every session, and most of a cold start was Node finding and
// compiling ~1,500 modules; one minified file (and the launcher's V8 code
// cache, see apps/api/src/mcp-launcher.ts) cuts that. Bundles the compiled
// output of `nest build` — not the TypeScript — because esbuild does not emit
// the decorator metadata Nest's dependency injection reads.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Nest and TypeORM require their optional peers (microservices, other database
// drivers…) inside try/catch: what is not installed stays a runtime require.
const optionalPeers = {
  name: 'optional-peers',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      try {
        createRequire(join(args.resolveDir, 'index.js')).resolve(args.path);
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'dist/apps/api/src/mcp.js')],
  outfile: join(root, 'dist/mcp/server.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Nest names providers and logs contexts by class name
  keepNames: true,
  // native addons and what loads them stay in node_modules
  external: ['better-sqlite3', 'ssh2', 'cpu-features'],
  plugins: [optionalPeers],
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(`dist/mcp/server.js: ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
