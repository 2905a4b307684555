import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@app/common';
import { parseDefinition, parseShortPort, validateDefinition } from './definition.parser';

const problem = (value: unknown): string => {
  try {
    validateDefinition(value);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('INVALID');
    return (err as Error).message;
  }
  throw new Error('expected the definition to be refused');
};

describe('service definitions', () => {
  it('accepts every example in definitions/examples', () => {
    const dir = join(__dirname, '../../../../definitions/examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(parseDefinition(readFileSync(join(dir, f), 'utf8'), f).definition.name).toBe(f.replace('.yaml', ''));
  });

  it.each([
    [{ name: '../../etc/passwd', image: 'x' }, /^name: must be a DNS label/],
    [{ name: 'Web', image: 'x' }, /^name: must be a DNS label/],
    [{ name: 'live', image: 'x' }, /^name: "live" is reserved: \/api\/services\/live is the list of the swarm's live services$/],
    [{ name: 'web' }, /^image: is required/],
    [{ name: 'web', image: 'busy box' }, /^image: must be an image reference/],
    [{ name: 'web', image: 'x', deploy: { replicas: -1 } }, /^deploy\.replicas: must be 0 or more/],
    [{ name: 'web', image: 'x', deploy: { replicas: 'three' } }, /^deploy\.replicas: must be a number, got string/],
    [{ name: 'web', image: 'x', deploy: { replicas: 1.5 } }, /^deploy\.replicas: must be a whole number/],
    [{ name: 'web', image: 'x', deploy: { foo: 1 } }, /^deploy\.foo: unknown key/],
    [{ name: 'web', image: 'x', build: '.' }, /^build: unknown key/],
    [{ name: 'web', image: 'x', ports: ['99999:80'] }, /^ports\[0\]: .*published port 99999 must be 1-65535/],
    [{ name: 'web', image: 'x', ports: [{ target: 80, mode: 'bridge' }] }, /^ports\[0\]\.mode/],
    [{ name: 'web', image: 'x', healthcheck: { interval: 'often' } }, /^healthcheck\.interval: must be a duration/],
    [
      { name: 'web', image: 'x', deploy: { resources: { limits: { memory: 'lots' } } } },
      /^deploy\.resources\.limits\.memory: must be a size/,
    ],
    [{ name: 'web', image: 'x', deploy: { mode: 'global', replicas: 2 } }, /^deploy\.replicas: a global service/],
  ])('refuses %j naming the field', (value, message) => {
    expect(problem(value)).toMatch(message);
  });

  it('refuses an alias bomb and a syntax error with clear messages', () => {
    const levels = [
      'a: &a [x,x,x,x,x,x,x,x,x,x]',
      ...Array.from({ length: 6 }, (_, i) => `${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdef'[i]}`).join(',')}]`),
    ];
    expect(() => parseDefinition(`name: web\nimage: x\n${levels.join('\n')}\n`)).toThrow(/alias/i);
    expect(() => parseDefinition('name: web\nimage: [x\n')).toThrow(/YAML syntax/);
    expect(() => parseDefinition('name: web\nname: other\nimage: x\n')).toThrow(/YAML syntax/);
  });

  it('reads short port syntax as compose does', () => {
    expect(parseShortPort('8080:80/udp')).toEqual({ published: 8080, target: 80, protocol: 'udp', hostIp: undefined });
    expect(parseShortPort('127.0.0.1:8080:80')).toMatchObject({ published: 8080, target: 80, hostIp: '127.0.0.1' });
    expect(parseShortPort(80)).toMatchObject({ published: undefined, target: 80, protocol: 'tcp' });
    expect(() => parseShortPort('8000-8010:80')).toThrow(/not a port mapping/);
  });
});
