import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import { CatalogService } from './catalog.service';
import type { CatalogDatabase } from './database/catalog-database';
import { parseComposeServices } from './definition/definition.parser';
import { DefinitionStore } from './definition/definition.store';

const FILE = '# the shop front\nname: web\nimage: r:5000/web:1 # pinned by CI\ndeploy:\n  # two is enough at night\n  replicas: 2\n';

/** The catalog over a real definitions directory; SQLite is down, which the catalog must survive (metadata is best effort). */
describe('CatalogService', () => {
  let dir: string;
  let catalog: CatalogService;
  const read = (name: string) => readFileSync(join(dir, `${name}.yaml`), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'so-catalog-'));
    const down = () => Promise.reject(new DomainError('UNAVAILABLE', 'the database is down'));
    const db = strictMock<CatalogDatabase>('CatalogDatabase', { run: down, repository: down });
    catalog = new CatalogService(new DefinitionStore({ definitionsDir: dir, dataDir: dir }), db);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a definition file from JSON and reads it back, still listing with the database down', async () => {
    await catalog.create({ name: 'api', image: 'r:5000/api:1', deploy: { replicas: 1 } });
    expect(read('api')).toContain('image: r:5000/api:1');
    expect((await catalog.list()).map((i) => [i.name, i.definition?.image, i.lastDeployedAt])).toEqual([
      ['api', 'r:5000/api:1', undefined],
    ]);
  });

  it('patches fields keeping every comment and the key order', async () => {
    writeFileSync(join(dir, 'web.yaml'), FILE);
    await catalog.patch('web', [
      { path: ['image'], value: 'r:5000/web:2' },
      { path: ['deploy', 'replicas'], value: 5 },
    ]);
    expect(read('web')).toBe(FILE.replace('web:1', 'web:2').replace('replicas: 2', 'replicas: 5'));
  });

  it('creates a missing parent mapping (setReplicas on a file without deploy)', async () => {
    writeFileSync(join(dir, 'web.yaml'), 'name: web\nimage: r:5000/web:1\n');
    await catalog.setReplicas('web', 3);
    expect((await catalog.definition('web')).deploy?.replicas).toBe(3);
  });

  it('refuses a patch whose result is not a valid definition, and leaves the file as it was', async () => {
    writeFileSync(join(dir, 'web.yaml'), FILE);
    await expect(catalog.patch('web', [{ path: ['deploy', 'replicas'], value: -1 }])).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('deploy.replicas: must be 0 or more'),
    });
    expect(read('web')).toBe(FILE);
  });

  it("refuses a replace under another name, and names an invalid file's fault", async () => {
    writeFileSync(join(dir, 'web.yaml'), FILE);
    await expect(catalog.replace('web', { name: 'other', image: 'x' })).rejects.toMatchObject({
      code: 'INVALID',
      message: 'name: "other" does not match the service being updated ("web")',
    });
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\n');
    await expect(catalog.definition('bad')).rejects.toMatchObject({
      code: 'INVALID',
      message: 'bad.yaml is not a valid definition: image: is required',
    });
  });

  it('answers NOT_FOUND for a service the catalog lacks', async () => {
    await expect(catalog.get('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'service "nope" is not in the catalog' });
  });
});

describe('parseComposeServices', () => {
  it('gives each service its name from its key, and refuses YAML errors naming the compose file', () => {
    expect(parseComposeServices('services:\n  a:\n    image: x\n  b:\n')).toEqual([
      { name: 'a', value: { name: 'a', image: 'x' } },
      { name: 'b', value: { name: 'b' } },
    ]);
    expect(() => parseComposeServices('services: [')).toThrow(/^compose file: YAML syntax/);
  });
});
