/**
 * Starts the stdio MCP server from its one-file bundle (dist/mcp/server.js,
 * made by scripts/bundle-mcp.mjs) with a V8 code cache beside it, so an
 * agent's session starts without compiling the server again: the first start
 * compiles and, once the server has run a few seconds, saves what V8 compiled;
 * later starts load it. V8 refuses a cache made by another Node version or for
 * other source, and then we compile and save afresh. Without the bundle (a
 * plain `nest build`), it runs the unbundled server.
 *
 * Node 22's module.enableCompileCache() does this for every module; on Node 20
 * vm.Script's cachedData is the way (v8-compile-cache hooks cannot load the
 * ES modules some dependencies ship).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const SAVE_AFTER_MS = 3000;

function cacheFiles(bundle: string): string[] {
  // beside the bundle when dist is writable, else in the temp directory
  return [`${bundle}.cache`, join(tmpdir(), 'swarm-orchestrator', 'mcp-server.js.cache')];
}

function readCache(files: string[]): Buffer | undefined {
  for (const f of files) {
    try {
      return readFileSync(f);
    } catch {
      /* not there yet */
    }
  }
  return undefined;
}

function saveCache(files: string[], data: Buffer): void {
  for (const f of files) {
    try {
      mkdirSync(dirname(f), { recursive: true });
      // whole or nothing: a concurrent start never reads half a cache
      const partial = `${f}.${process.pid}.tmp`;
      writeFileSync(partial, data);
      renameSync(partial, f);
      return;
    } catch {
      /* read-only here: try the next place */
    }
  }
}

function launch(): void {
  const bundle = join(__dirname, '../../../mcp/server.js');
  if (!existsSync(bundle)) {
    void import('./mcp');
    return;
  }
  const files = cacheFiles(bundle);
  const cachedData = readCache(files);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
  const script = new Script(wrapper, { filename: bundle, cachedData });
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  if (!cachedData || script.cachedDataRejected) {
    // after a few seconds of running, the cache holds the functions start-up compiled, not only the top level
    setTimeout(() => saveCache(files, script.createCachedData()), SAVE_AFTER_MS).unref();
  }
}

launch();
