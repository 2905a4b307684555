import { maskYamlSecrets } from '@app/catalog';
import { MASK, maskEnvironment, maskSecrets, restoreMaskedSecrets } from './mask-secrets';

describe('mask-secrets', () => {
  it('masks the values of a map and of a KEY=value list, keeping the keys and the rest', () => {
    expect(maskEnvironment({ DB_PASSWORD: 'hunter2', MODE: 'prod', EMPTY_TOKEN: '' })).toEqual({
      DB_PASSWORD: MASK,
      MODE: 'prod',
      EMPTY_TOKEN: '',
    });
    expect(maskEnvironment(['API_KEY=abc=def', 'MODE=prod', 'SECRET_FROM_HOST'])).toEqual([
      `API_KEY=${MASK}`,
      'MODE=prod',
      'SECRET_FROM_HOST',
    ]);
  });

  it('masks deep: environment maps, Engine Env lists and secret-named fields, without touching the input', () => {
    const spec = {
      name: 'db',
      environment: { POSTGRES_PASSWORD: 's3cret', POSTGRES_DB: 'app' },
      TaskTemplate: { ContainerSpec: { Env: ['AWS_SECRET_ACCESS_KEY=xyz', 'TZ=UTC'] } },
      registry: { username: 'ops', password: 'pw' },
      replicas: 2,
    };
    const masked = maskSecrets(spec);
    expect(masked.environment).toEqual({ POSTGRES_PASSWORD: MASK, POSTGRES_DB: 'app' });
    expect(masked.TaskTemplate.ContainerSpec.Env).toEqual([`AWS_SECRET_ACCESS_KEY=${MASK}`, 'TZ=UTC']);
    expect(masked.registry).toEqual({ username: 'ops', password: MASK });
    expect(masked.replicas).toBe(2);
    expect(spec.environment.POSTGRES_PASSWORD).toBe('s3cret');
  });

  it('masks YAML text sent as a definition, both map and list forms', () => {
    const yaml = [
      'name: db',
      'image: postgres:16',
      'environment:',
      '  POSTGRES_PASSWORD: s3cret',
      '  - "API_TOKEN=abc"',
      '  MODE: prod',
      'secrets: [db_password]',
    ].join('\n');
    const out = maskYamlSecrets(yaml);
    expect(out).toContain(`POSTGRES_PASSWORD: ${MASK}`);
    expect(out).toContain(`- "API_TOKEN=${MASK}"`);
    expect(out).toContain('MODE: prod');
    expect(out).toContain('secrets: [db_password]');
    expect(out).not.toMatch(/s3cret|abc/);
    expect(maskSecrets({ body: yaml }).body).toBe(out);
  });

  it('restores masked values from the stored definition, so an edit round trip keeps secrets', () => {
    const stored = {
      name: 'db',
      environment: { DB_PASSWORD: 's3cret', MODE: 'prod' },
      command: ['run'],
      deploy: { labels: ['API_KEY=k1', 'X=1'] },
    };
    const edited = {
      ...maskSecrets(stored),
      deploy: { labels: [`API_KEY=${MASK}`, 'X=2', `NEW_KEY=${MASK}`] },
      environment: { DB_PASSWORD: MASK, MODE: 'dev' },
    };
    expect(restoreMaskedSecrets(edited, stored)).toEqual({
      name: 'db',
      environment: { DB_PASSWORD: 's3cret', MODE: 'dev' },
      command: ['run'],
      deploy: { labels: ['API_KEY=k1', 'X=2', `NEW_KEY=${MASK}`] },
    });
    // a changed secret is kept as sent
    expect(restoreMaskedSecrets({ environment: { DB_PASSWORD: 'new' } }, stored)).toEqual({ environment: { DB_PASSWORD: 'new' } });
  });
});
