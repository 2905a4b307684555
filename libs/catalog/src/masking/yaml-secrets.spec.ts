import { parse } from 'yaml';
import { isSecretKey, MASK } from './secret-key';
import { maskYamlSecrets, restoreYamlSecrets } from './yaml-secrets';

const COMPOSE = { keepVariableReferences: true };

describe('isSecretKey', () => {
  it('recognises secret-looking names in any case and position', () => {
    for (const k of ['DB_PASSWORD', 'password', 'GITHUB_TOKEN', 'client_secret', 'API_KEY', 'apiKey', 'PASSWD'])
      expect(isSecretKey(k)).toBe(true);
    for (const k of ['PATH', 'NODE_ENV', 'replicas', 'image', 'USER']) expect(isSecretKey(k)).toBe(false);
  });
});

describe('maskYamlSecrets', () => {
  it('masks secret values in a block map and keeps comments, order and the other values as written', () => {
    const text = '# the database\nname: db\nenvironment:\n  DB_PASSWORD: s3cret   # rotate monthly\n  MODE: prod\n  API_TOKEN: abc\n';
    expect(maskYamlSecrets(text)).toBe(
      '# the database\nname: db\nenvironment:\n  DB_PASSWORD: ********   # rotate monthly\n  MODE: prod\n  API_TOKEN: ********\n',
    );
  });

  it('masks inside flow maps and keeps their layout', () => {
    expect(maskYamlSecrets('environment: { DB_PASSWORD: s3cret, MODE: prod }\n')).toBe(
      'environment: { DB_PASSWORD: ********, MODE: prod }\n',
    );
  });

  it('masks KEY=value list entries, block or flow, keeping their quotes; a bare name or an empty value stays', () => {
    const text =
      'environment:\n  - "API_TOKEN=abc"\n  - MODE=prod\n  - SECRET_FROM_HOST\n  - EMPTY_KEY=\nlabels: [ \'X_SECRET=1\', Y=2 ]\n';
    expect(maskYamlSecrets(text)).toBe(
      'environment:\n  - "API_TOKEN=********"\n  - MODE=prod\n  - SECRET_FROM_HOST\n  - EMPTY_KEY=\nlabels: [ \'X_SECRET=********\', Y=2 ]\n',
    );
  });

  it('keeps the quoting of a quoted value', () => {
    expect(maskYamlSecrets(`a_password: "x y"\nb_token: 'z'\nc_key: 42\n`)).toBe(
      `a_password: "********"\nb_token: '********'\nc_key: ********\n`,
    );
  });

  it('masks a variables file (a flat map of names) and leaves empty and null values alone', () => {
    expect(maskYamlSecrets('DB_PASSWORD: hunter2\nTAG: "1.2"\nEMPTY_TOKEN: ""\nUNSET_KEY:\n')).toBe(
      'DB_PASSWORD: ********\nTAG: "1.2"\nEMPTY_TOKEN: ""\nUNSET_KEY:\n',
    );
  });

  it('masks a block scalar as one value, keeping the lines after it', () => {
    const text = 'tls:\n  private_key: |\n    -----BEGIN KEY-----\n    abc\n  cert: c.pem\n';
    const masked = maskYamlSecrets(text);
    expect(masked).toBe('tls:\n  private_key: ********\n  cert: c.pem\n');
    expect(masked).not.toContain('abc');
  });

  it('masks an anchored secret where it is written, also when only an alias sits under the secret key', () => {
    expect(maskYamlSecrets('a:\n  DB_PASSWORD: &pw s3cret\n  OTHER_PASSWORD: *pw\n')).toBe(
      'a:\n  DB_PASSWORD: &pw ********\n  OTHER_PASSWORD: *pw\n',
    );
    const viaAlias = maskYamlSecrets('x-common: &pw s3cret\nservice:\n  DB_PASSWORD: *pw\n');
    expect(viaAlias).toBe('x-common: &pw ********\nservice:\n  DB_PASSWORD: *pw\n');
  });

  it('keeps variable references readable for compose files, masks them for definitions', () => {
    const text = 'environment:\n  DB_PASSWORD: ${DB_PASSWORD}\nlist:\n  - API_TOKEN=$TOKEN\n';
    const listed = 'environment:\n  - API_TOKEN=${TOKEN}\n  - B_KEY=literal\n';
    expect(maskYamlSecrets(listed, COMPOSE)).toBe('environment:\n  - API_TOKEN=${TOKEN}\n  - B_KEY=********\n');
    expect(maskYamlSecrets('DB_PASSWORD: ${DB_PASSWORD}\n', COMPOSE)).toBe('DB_PASSWORD: ${DB_PASSWORD}\n');
    expect(maskYamlSecrets('DB_PASSWORD: ${DB_PASSWORD}\n')).toBe('DB_PASSWORD: ********\n');
    expect(maskYamlSecrets(text)).not.toContain('$');
  });

  it('leaves text without a secret-looking name unchanged, and masks what it can in text that is not valid YAML', () => {
    const plain = 'name: web\nimage: nginx\n';
    expect(maskYamlSecrets(plain)).toBe(plain);
    const broken = 'environment:\n  POSTGRES_PASSWORD: s3cret\n  - "API_TOKEN=abc"\n  MODE: prod\n';
    const masked = maskYamlSecrets(broken);
    expect(masked).not.toMatch(/s3cret|abc/);
    expect(masked).toContain('MODE: prod');
  });

  it('masks every document of a multi-document stream', () => {
    expect(maskYamlSecrets('A_TOKEN: a\n---\nB_TOKEN: b\n')).toBe('A_TOKEN: ********\n---\nB_TOKEN: ********\n');
  });
});

describe('restoreYamlSecrets', () => {
  const stored = [
    'services:',
    '  db:',
    '    environment:',
    '      POSTGRES_PASSWORD: "first s3cret" # kept',
    '      POSTGRES_USER: app',
    '  api:',
    '    environment:',
    '      - POSTGRES_PASSWORD=second-s3cret',
    '      - MODE=prod',
    '    config: { API_KEY: flow-s3cret }',
    '',
  ].join('\n');

  it('puts every stored value back where the mask came back unchanged, each at its own path', () => {
    const edited = maskYamlSecrets(stored).replace('POSTGRES_USER: app', 'POSTGRES_USER: other');
    expect(edited).not.toContain('s3cret');
    expect(restoreYamlSecrets(edited, stored)).toBe(stored.replace('POSTGRES_USER: app', 'POSTGRES_USER: other'));
  });

  it('keeps a value the client changed, and restores list entries by name when the list was reordered', () => {
    const edited = maskYamlSecrets(stored)
      .replace('POSTGRES_PASSWORD: "********"', 'POSTGRES_PASSWORD: changed')
      .replace('      - POSTGRES_PASSWORD=********\n      - MODE=prod\n', '      - MODE=dev\n      - POSTGRES_PASSWORD=********\n');
    const restored = restoreYamlSecrets(edited, stored);
    expect(restored).toContain('POSTGRES_PASSWORD: changed # kept');
    expect(restored).not.toContain('first s3cret');
    expect(restored).toContain('      - MODE=dev\n      - POSTGRES_PASSWORD=second-s3cret\n');
    expect(restored).toContain('config: { API_KEY: flow-s3cret }');
  });

  it('does not restore a mask moved to another key or service: the secret never lands where it was not', () => {
    const edited = maskYamlSecrets(stored)
      .replace('POSTGRES_PASSWORD: "********"', 'OTHER_PASSWORD: "********"')
      .replace('config: { API_KEY: ********', 'config: { MODE: ********');
    const restored = restoreYamlSecrets(edited, stored);
    expect(restored).toContain('OTHER_PASSWORD: "********"');
    expect(restored).toContain('config: { MODE: ********');
    expect(restored).not.toMatch(/first s3cret|flow-s3cret/);
    const moved = 'services:\n  web:\n    environment:\n      POSTGRES_PASSWORD: ********\n';
    expect(restoreYamlSecrets(moved, stored)).toBe(moved);
  });

  it('restores block scalars and anchored values so the text parses as stored', () => {
    const withBlocks = 'tls:\n  private_key: |\n    line1\n    line2\n  cert: c.pem\nx: &pw s3cret\nDB_PASSWORD: *pw\n';
    const masked = maskYamlSecrets(withBlocks);
    expect(masked).toBe('tls:\n  private_key: ********\n  cert: c.pem\nx: &pw ********\nDB_PASSWORD: *pw\n');
    const restored = restoreYamlSecrets(masked.replace('cert: c.pem', 'cert: d.pem'), withBlocks);
    expect(restored).toBe(withBlocks.replace('cert: c.pem', 'cert: d.pem'));
    expect(parse(restored)).toEqual({ tls: { private_key: 'line1\nline2\n', cert: 'd.pem' }, x: 's3cret', DB_PASSWORD: 's3cret' });
  });

  it('returns text without a mask as sent, and leaves a mask with no stored counterpart', () => {
    expect(restoreYamlSecrets('services: {}\n', stored)).toBe('services: {}\n');
    expect(restoreYamlSecrets(`NEW_TOKEN: ${MASK}\n`, stored)).toBe(`NEW_TOKEN: ${MASK}\n`);
  });

  it('does not restore a reference that a compose file kept readable', () => {
    const composeStored = 'environment:\n  - API_TOKEN=${API_TOKEN}\n  - DB_PASSWORD=x\n';
    const edited = 'environment:\n  - API_TOKEN=********\n  - DB_PASSWORD=********\n';
    expect(restoreYamlSecrets(edited, composeStored, COMPOSE)).toBe('environment:\n  - API_TOKEN=********\n  - DB_PASSWORD=x\n');
  });

  it("puts a definition's secret back with its comment, and takes a new value as given", () => {
    const definition = 'name: db\nenvironment:\n  DB_PASSWORD: s3cret # kept\n  MODE: prod\n  API_TOKEN: abc\n';
    const masked = maskYamlSecrets(definition);
    expect(masked).not.toContain('s3cret');
    const edited = masked.replace('MODE: prod', 'MODE: test').replace('API_TOKEN: ********', 'API_TOKEN: new-one');
    expect(restoreYamlSecrets(edited, definition)).toBe(
      'name: db\nenvironment:\n  DB_PASSWORD: s3cret # kept\n  MODE: test\n  API_TOKEN: new-one\n',
    );
  });
});

describe('compose files (variable references kept)', () => {
  const STORED = `services:
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: first-s3cret
      POSTGRES_USER: app
  api:
    image: api
    environment:
      - POSTGRES_PASSWORD=second-s3cret
      - API_TOKEN=\${API_TOKEN}
    secrets: [db_password]
  cache:
    image: redis
    environment:
      POSTGRES_PASSWORD: third-s3cret
`;

  it('masks literal secret values, keeps references to variables and flow lists readable', () => {
    const masked = maskYamlSecrets(STORED, COMPOSE);
    expect(masked).not.toMatch(/s3cret/);
    expect(masked).toContain('POSTGRES_PASSWORD: ********');
    expect(masked).toContain('- POSTGRES_PASSWORD=********');
    expect(masked).toContain('- API_TOKEN=${API_TOKEN}');
    expect(masked).toContain('secrets: [db_password]');
    expect(masked).toContain('POSTGRES_USER: app');
  });

  it('puts each stored value back in its own service, so two services with one variable name keep their own', () => {
    const edited = maskYamlSecrets(STORED, COMPOSE).replace('POSTGRES_USER: app', 'POSTGRES_USER: other');
    expect(restoreYamlSecrets(edited, STORED, COMPOSE)).toBe(STORED.replace('POSTGRES_USER: app', 'POSTGRES_USER: other'));
  });

  it('keeps a new value the client typed, and text without a mask as sent', () => {
    const edited = maskYamlSecrets(STORED, COMPOSE).replace('POSTGRES_PASSWORD: ********', 'POSTGRES_PASSWORD: changed');
    const restored = restoreYamlSecrets(edited, STORED, COMPOSE);
    expect(restored).toContain('POSTGRES_PASSWORD: changed');
    expect(restored).not.toContain('first-s3cret');
    expect(restored).toContain('- POSTGRES_PASSWORD=second-s3cret');
    expect(restored).toContain('POSTGRES_PASSWORD: third-s3cret');
    expect(restoreYamlSecrets('services: {}\n', STORED, COMPOSE)).toBe('services: {}\n');
  });
});
