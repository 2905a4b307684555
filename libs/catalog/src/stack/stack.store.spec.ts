import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@app/common';
import { StackStore } from './stack.store';

const compose = [
  'services:',
  '  web:',
  '    image: nginx:${TAG:-1.27}',
  '    env_file: [./web.env]',
  '    configs: [site]',
  '    secrets: [pw]',
  'configs:',
  '  site:',
  '    file: ./conf/site.conf',
  'secrets:',
  '  pw:',
  '    file: ./secrets/pw.txt',
  '',
].join('\n');
const files = { 'web.env': 'MODE=prod\n', './conf/site.conf': 'server {}\n', 'secrets/pw.txt': 'hunter2\n' };

describe('StackStore', () => {
  let definitionsDir: string;
  let store: StackStore;
  const stacksDir = () => join(definitionsDir, 'stacks');
  /** Everything under stacks/, temp and leftover folders included. */
  const onDisk = () => (existsSync(stacksDir()) ? readdirSync(stacksDir(), { recursive: true }).map(String).sort() : []);

  beforeEach(() => {
    definitionsDir = mkdtempSync(join(tmpdir(), 'stack-store-'));
    store = new StackStore({ definitionsDir, dataDir: definitionsDir });
  });
  afterEach(() => rmSync(definitionsDir, { recursive: true, force: true }));

  async function refused(promise: Promise<unknown>, code: string): Promise<string> {
    try {
      await promise;
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(code);
      return (err as Error).message;
    }
    throw new Error('the store accepted it');
  }

  it('creates stacks/<name>/ with compose.yaml, variables.yaml and the files at their paths', async () => {
    const created = await store.create('shop', { compose, variables: { TAG: '1.25', DB_PASSWORD: 'x' }, files });
    expect(onDisk()).toEqual([
      'shop',
      'shop/compose.yaml',
      'shop/conf',
      'shop/conf/site.conf',
      'shop/secrets',
      'shop/secrets/pw.txt',
      'shop/variables.yaml',
      'shop/web.env',
    ]);
    expect(readFileSync(join(stacksDir(), 'shop/compose.yaml'), 'utf8')).toBe(compose);
    expect(readFileSync(join(stacksDir(), 'shop/secrets/pw.txt'), 'utf8')).toBe('hunter2\n');
    expect(created).toMatchObject({ name: 'shop', compose, variables: { DB_PASSWORD: 'x', TAG: '1.25' }, warnings: [] });
    expect(created.error).toBeUndefined();
    expect(Object.keys(created.files).sort()).toEqual(['conf/site.conf', 'secrets/pw.txt', 'web.env']);
    expect(created.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps variable values exactly, whatever YAML would make of them', async () => {
    const variables = { A: '0123', B: 'true', C: '', D: 'a: b # c', E: '$x ${y}', F: 'line1\nline2', G: 'null' };
    await store.create('vars', { compose: 'services:\n  web:\n    image: a\n', variables });
    expect((await store.read('vars')).variables).toEqual(variables);
  });

  it('reads, lists and removes', async () => {
    await store.create('b-stack', { compose, files });
    await store.create('a-stack', { compose: 'services:\n  web:\n    image: a\n' });
    expect((await store.list()).map((s) => s.name)).toEqual(['a-stack', 'b-stack']);
    expect((await store.read('b-stack')).files['conf/site.conf'].toString()).toBe('server {}\n');
    await store.remove('b-stack');
    expect(onDisk()).toEqual(['a-stack', 'a-stack/compose.yaml']);
    expect(await refused(store.read('b-stack'), 'NOT_FOUND')).toBe('stack "b-stack" is not in the catalog');
    expect(await refused(store.remove('b-stack'), 'NOT_FOUND')).toBe('stack "b-stack" is not in the catalog');
  });

  it('refuses a second stack of the same name (CONFLICT) and replaces only an existing one (NOT_FOUND)', async () => {
    await store.create('shop', { compose, files });
    expect(await refused(store.create('shop', { compose, files }), 'CONFLICT')).toBe('stack "shop" already exists in the catalog');
    expect(await refused(store.replace('other', { compose, files }), 'NOT_FOUND')).toBe('stack "other" is not in the catalog');
  });

  it('replaces a stack as a whole: files no longer sent are gone, nothing is left beside it', async () => {
    await store.create('shop', { compose, variables: { TAG: '1' }, files });
    const before = await store.read('shop');
    const next = await store.replace('shop', { compose: 'services:\n  web:\n    image: a\n' });
    expect(onDisk()).toEqual(['shop', 'shop/compose.yaml']);
    expect(next.variables).toEqual({});
    expect(next.hash).not.toBe(before.hash);
  });

  describe('writes nothing when it refuses', () => {
    beforeEach(async () => {
      await store.create('shop', { compose, files });
    });
    const cases: [string, { compose: string; variables?: Record<string, string>; files?: Record<string, string> }, RegExp][] = [
      ['an unknown top-level key', { compose: `${compose}foo: 1\n`, files }, /^unknown top-level key "foo"$/],
      [
        'a missing required variable',
        { compose: compose.replace('${TAG:-1.27}', '${TAG:?set TAG}'), files },
        /^services\.web\.image: required variable TAG is missing a value: set TAG$/,
      ],
      [
        '${VAR:?} unset',
        { compose: compose.replace('${TAG:-1.27}', '${TAG:?}'), files },
        /^services\.web\.image: required variable TAG is missing a value$/,
      ],
      [
        'a relative bind',
        { compose: `${compose.replace('    secrets: [pw]\n', '    secrets: [pw]\n    volumes: [./data:/data]\n')}`, files },
        /^services\.web\.volumes\[0\]\.source: a relative bind path/,
      ],
      [
        'a file: not among the files',
        { compose, files: { 'web.env': 'A=1\n', 'secrets/pw.txt': 'x' } },
        /^configs\.site\.file: "\.\/conf\/site\.conf" is not among the stack's files$/,
      ],
      [
        'a files path with ..',
        { compose, files: { ...files, '../escape.txt': 'x' } },
        /^files\."\.\.\/escape\.txt": leaves the stack's folder/,
      ],
      ['an absolute files path', { compose, files: { ...files, '/etc/cron.d/x': 'x' } }, /^files\."\/etc\/cron\.d\/x": is absolute/],
      [
        'a files path with .. inside',
        { compose, files: { ...files, 'conf/../../x': 'x' } },
        /^files\."conf\/\.\.\/\.\.\/x": leaves the stack's folder/,
      ],
      [
        "a files path that is the store's own",
        { compose, files: { ...files, 'variables.yaml': 'A: 1' } },
        /^files\."variables\.yaml": the name is the store's own/,
      ],
      ['a file and a folder of one name', { compose, files: { ...files, conf: 'x' } }, /^files\."conf": clashes with "conf\/site\.conf"/],
      ['a bad variable name', { compose, files, variables: { 'NOT OK': 'x' } }, /^variables\.NOT OK: is not a variable name/],
      [
        'a file too large',
        { compose, files: { ...files, 'big.bin': 'x'.repeat(1000 * 1024 + 1) } },
        /^files\."big\.bin": larger than 1000 KB/,
      ],
    ];
    it.each(cases)('%s', async (_what, input, message) => {
      const before = onDisk();
      const stored = await store.read('shop');
      expect(await refused(store.replace('shop', input), 'INVALID')).toMatch(message);
      expect(await refused(store.create('fresh', input), 'INVALID')).toMatch(message);
      expect(onDisk()).toEqual(before);
      expect((await store.read('shop')).hash).toBe(stored.hash);
    });

    it('a bad stack name', async () => {
      expect(await refused(store.create('Bad Name', { compose, files }), 'INVALID')).toMatch(/not a valid stack name/);
      expect(await refused(store.create('..', { compose, files }), 'INVALID')).toMatch(/not a valid stack name/);
      expect(onDisk()).not.toContain('Bad Name');
    });
  });

  it('serialises writes of one name: of two concurrent creates one wins, the other is a CONFLICT', async () => {
    const results = await Promise.allSettled([store.create('race', { compose, files }), store.create('race', { compose, files })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('CONFLICT');
    expect(onDisk().filter((p) => p.startsWith('.'))).toEqual([]);
  });

  it('reports a stack edited by hand into an invalid one, instead of hiding it', async () => {
    await store.create('shop', { compose, files });
    writeFileSync(join(stacksDir(), 'shop/compose.yaml'), 'services:\n  web:\n    image: a\n    volumes: [./x:/x]\n');
    const read = await store.read('shop');
    expect(read.error).toBe(
      'services.web.volumes[0].source: a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
    );
    expect((await store.list()).map((s) => [s.name, !!s.error])).toEqual([['shop', true]]);
  });

  it("refuses a symbolic link put in a stack's folder: it could point anywhere", async () => {
    await store.create('shop', { compose, files });
    rmSync(join(stacksDir(), 'shop/conf/site.conf'));
    symlinkSync('/etc/hostname', join(stacksDir(), 'shop/conf/site.conf'));
    const read = await store.read('shop');
    expect(read.error).toBe('files."conf/site.conf": is a symbolic link; a stack\'s files must be inside its folder');
    expect(read.files).not.toHaveProperty('conf/site.conf');
  });

  it('puts back the previous folder of a replace interrupted between its two renames', async () => {
    await store.create('shop', { compose, files });
    const hash = (await store.read('shop')).hash;
    // the state a crash after `rename(shop → .shop.<id>.old)` leaves
    const { renameSync } = await import('node:fs');
    renameSync(join(stacksDir(), 'shop'), join(stacksDir(), '.shop.0123456789ab.old'));
    expect((await store.list()).map((s) => s.name)).toEqual(['shop']);
    expect((await store.read('shop')).hash).toBe(hash);
    expect(onDisk().filter((p) => p.startsWith('.'))).toEqual([]);
  });

  it('ignores temp folders left by a crash mid-write', async () => {
    mkdirSync(join(stacksDir(), '.half.0123456789ab.tmp'), { recursive: true });
    writeFileSync(join(stacksDir(), '.half.0123456789ab.tmp/compose.yaml'), 'services:\n');
    expect(await store.list()).toEqual([]);
    expect(await store.exists('half')).toBe(false);
  });

  it('answers an empty list when the directory does not exist yet', async () => {
    expect(await store.list()).toEqual([]);
  });
});
