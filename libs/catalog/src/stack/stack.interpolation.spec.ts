import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolateString, interpolateValues, InterpolationError, keyPath } from './stack.interpolation';

const vars = { A: 'aa', EMPTY: '', B: 'bb', lower: 'low' };
const run = (t: string, v: Record<string, string> = vars) => interpolateString(t, v);

describe('interpolateString: every form of the Compose Specification', () => {
  it.each([
    ['$A', 'aa'],
    ['${A}', 'aa'],
    ['x$A.y', 'xaa.y'],
    ['${A}x', 'aax'],
    ['$A$B', 'aabb'],
    ['$lower', 'low'],
    ['$UNSET', ''],
    ['${UNSET}', ''],
    // :- default when unset or empty; - only when unset
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${A:-d}', 'aa'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${A-d}', 'aa'],
    ['${UNSET:-}', ''],
    ['${UNSET:-a b c}', 'a b c'],
    // :+ alternative when set and non-empty; + when set
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${A+alt}', 'alt'],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    // ? and :? pass a set value through
    ['${A:?msg}', 'aa'],
    ['${EMPTY?msg}', ''],
    // $$ is a literal $, never a variable
    ['$$', '$'],
    ['$$A', '$A'],
    ['$$$A', '$aa'],
    ['$$$$', '$$'],
    ['$${A}', '${A}'],
    ['echo $$(cat /run/secrets/x)', 'echo $(cat /run/secrets/x)'],
    // nested defaults and alternatives are interpolated in turn
    ['${UNSET:-${B}}', 'bb'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${A:-${B:-x}}', 'aa'],
    ['${A:+${B}-suffix}', 'bb-suffix'],
    ['${UNSET:-$$}', '$'],
    ['${UNSET:-a}}', 'a}'],
    ['pre ${A:-x} mid ${B} post', 'pre aa mid bb post'],
    // a $ that starts no substitution stays (compose), and so does text without $
    ['$1', '$1'],
    ['cost: 5$', 'cost: 5$'],
    ['plain', 'plain'],
  ])('%s → %s', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  it('reports variables used without a value and without a default', () => {
    const unset: string[] = [];
    interpolateString('$X ${Y} ${Z:-d} ${W-d} $A', vars, (n) => unset.push(n));
    expect(unset).toEqual(['X', 'Y']);
  });

  it.each([
    ['${UNSET:?needs a value}', 'required variable UNSET is missing a value: needs a value'],
    ['${EMPTY:?needs a value}', 'required variable EMPTY is missing a value: needs a value'],
    ['${UNSET?Variable not set}', 'required variable UNSET is missing a value: Variable not set'],
    ['${UNSET:?}', 'required variable UNSET is missing a value'],
    ['${UNSET?}', 'required variable UNSET is missing a value'],
    ['${UNSET:?set $A first}', 'required variable UNSET is missing a value: set aa first'],
    ['${UNSET:-${NESTED:?inner}}', 'required variable NESTED is missing a value: inner'],
  ])('%s refuses: %s', (template, message) => {
    expect(() => run(template)).toThrow(new InterpolationError(message));
    try {
      run(template);
    } catch (err) {
      expect((err as InterpolationError).variable).toMatch(/UNSET|EMPTY|NESTED/);
    }
  });

  it.each(['${', '${A', '${}', '${1}', '${A B}', '${A:x}', '${-d}'])('%s is an invalid interpolation format', (template) => {
    expect(() => run(template)).toThrow(`invalid interpolation format: "${template}"`);
  });
});

describe('interpolateValues', () => {
  it('interpolates values, never keys, and names the key of a failure', () => {
    const { value, problems, unset } = interpolateValues(
      { services: { web: { image: 'x:${TAG:-1}', environment: { $A: '${A}' }, command: ['a', '${NEED:?set NEED}'], replicas: 3 } } },
      { A: 'aa' },
    );
    expect(value).toEqual({
      services: { web: { image: 'x:1', environment: { $A: 'aa' }, command: ['a', '${NEED:?set NEED}'], replicas: 3 } },
    });
    expect(problems).toEqual([{ path: ['services', 'web', 'command', 1], message: 'required variable NEED is missing a value: set NEED' }]);
    expect(keyPath(problems[0].path)).toBe('services.web.command[1]');
    expect(unset).toEqual([]);
  });
});

// `docker stack config` prints the file as `docker stack deploy` reads it,
// without a daemon: the reference for every form both it and the Compose
// Specification accept (it refuses `:+`, `+` and a stray `$`, and does not nest).
const dockerCli = spawnSync('docker', ['stack', 'config', '--help'], { encoding: 'utf8' }).status === 0;
(dockerCli ? describe : describe.skip)('interpolateString agrees with `docker stack config`', () => {
  const cases = [
    '$A',
    '${A}',
    '${A}x',
    '$A.b',
    '$A$B',
    '${UNSET}',
    '$UNSET',
    '${UNSET:-d}',
    '${EMPTY:-d}',
    '${UNSET-d}',
    '${EMPTY-d}',
    '${A:-d}',
    '${UNSET:-}',
    '${UNSET:-a b}',
    '$$',
    '$$A',
    '$$$A',
    '$$$$',
    'echo $$HOME',
    '${A:?m}',
    '${EMPTY?m}',
    '${A-a}}',
    'a ${A} b ${B:-c} d',
  ];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stack-interp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // only the variables under test (and what the CLI needs to start): the CLI reads its environment
  const env = () => ({ PATH: process.env.PATH ?? '', HOME: dir, A: 'aa', B: 'bb', EMPTY: '' });
  const variables = { A: 'aa', B: 'bb', EMPTY: '' };
  const composeWith = (labels: string[]) =>
    `version: "3.8"\nservices:\n  s:\n    image: busybox\n    labels:\n${labels.map((l, i) => `      c${i}: '${l.replace(/'/g, "''")}'`).join('\n')}\n`;

  it('for every value form', () => {
    writeFileSync(join(dir, 'ok.yml'), composeWith(cases));
    const out = parse(execFileSync('docker', ['stack', 'config', '-c', join(dir, 'ok.yml')], { env: env(), encoding: 'utf8' }));
    const labels = out.services.s.labels as Record<string, string>;
    cases.forEach((template, i) => expect([template, interpolateString(template, variables)]).toEqual([template, labels[`c${i}`] ?? '']));
  });

  it.each(['${UNSET:?needs it}', '${UNSET?needs it}', '${UNSET:?}', '${EMPTY:?empty}'])('for the refusal of %s', (template) => {
    writeFileSync(join(dir, 'bad.yml'), composeWith([template]));
    const cli = spawnSync('docker', ['stack', 'config', '-c', join(dir, 'bad.yml')], { env: env(), encoding: 'utf8' });
    expect(cli.status).not.toBe(0);
    let ours = '';
    try {
      interpolateString(template, variables);
    } catch (err) {
      ours = (err as Error).message;
    }
    // the CLI wraps the same sentence: `invalid interpolation format for …: "required variable X is missing a value: …"`
    expect(ours).not.toBe('');
    expect(cli.stderr.replace(/: "$/, '')).toContain(ours.replace(/: $/, ''));
  });
});
