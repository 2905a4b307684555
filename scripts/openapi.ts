/**
 * Writes the OpenAPI document the controllers describe to apps/api/openapi.json
 * (committed; the web client's types are generated from it). No Docker needed.
 *   npx ts-node -r tsconfig-paths/register scripts/openapi.ts [--check]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENAPI_FILE = join(__dirname, '../apps/api/openapi.json');

export async function renderOpenApi(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'so-openapi-'));
  Object.assign(process.env, {
    DATA_DIR: join(dir, 'data'),
    DEFINITIONS_DIR: join(dir, 'defs'),
    DOCKER_HOST: 'unix:///nonexistent.sock',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    HEALTH_POLL_INTERVAL: '3600',
  });
  const { createApp, buildOpenApiDocument } = await import('../apps/api/src/bootstrap');
  const app = await createApp({ logger: false });
  try {
    await app.init();
    const doc = buildOpenApiDocument(app);
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void renderOpenApi().then((text) => {
    if (process.argv.includes('--check')) {
      const same = readFileSync(OPENAPI_FILE, 'utf8') === text;
      process.stdout.write(same ? 'openapi.json is current\n' : 'openapi.json is stale: run npm run openapi\n');
      process.exit(same ? 0 : 1);
    }
    writeFileSync(OPENAPI_FILE, text);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    process.exit(0);
  });
}
