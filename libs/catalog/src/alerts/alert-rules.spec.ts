import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertRulesFile } from './alert-rules.file';
import { DEFAULT_ALERT_RULES, parseDuration, resolveAlertRules } from './alert-rules.schema';

describe('alert rules', () => {
  it('start from the built-in rules and take what the file changes, durations in words', () => {
    const rules = resolveAlertRules({
      rules: {
        replicas_below: { for: '2m', severity: 'critical' },
        task_failed: { resolve_after: '5m' },
        node_drained: { enabled: false },
      },
    });
    expect(rules.replicas_below).toEqual({ enabled: true, severity: 'critical', for: 120, repeat: 0 });
    expect(rules.task_failed.resolveAfter).toBe(300);
    expect(rules.node_drained.enabled).toBe(false);
    expect(rules.node_down).toEqual(DEFAULT_ALERT_RULES.node_down);
    expect(resolveAlertRules(undefined)).toEqual(DEFAULT_ALERT_RULES);
  });

  it('refuse a bad file naming every key at fault', () => {
    expect(() => resolveAlertRules({ rules: { node_dwn: {}, node_down: { severity: 'loud', for: 'soon', colour: 'red' } } })).toThrow(
      'rules.node_down.severity: must be one of critical, warning, info; rules.node_down.for: must be a duration such as 30, "30s", "5m" or "1h" (at most 30 days); rules.node_down.colour: unknown key; rules.node_dwn: unknown key',
    );
    expect(() => resolveAlertRules({ rules: { node_down: { severity: 'loud', for: 'soon' } } })).toThrow(
      'rules.node_down.severity: must be one of critical, warning, info; rules.node_down.for: must be a duration such as 30, "30s", "5m" or "1h" (at most 30 days)',
    );
    expect(() => resolveAlertRules({ rules: { node_down: { colour: 'red' } } })).toThrow('rules.node_down.colour: unknown key');
  });

  it('parse durations', () => {
    expect([
      parseDuration(30),
      parseDuration('30s'),
      parseDuration('5m'),
      parseDuration('1h'),
      parseDuration('1d'),
      parseDuration('0'),
    ]).toEqual([30, 30, 300, 3600, 86400, 0]);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });

  describe('the file in DATA_DIR', () => {
    let dir: string;
    let file: AlertRulesFile;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'so-rules-'));
      file = new AlertRulesFile({ dataDir: dir, definitionsDir: dir });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is optional, is written only when valid, and a broken edit on disk keeps the last good rules saying why', async () => {
      expect(await file.read()).toEqual({ rules: DEFAULT_ALERT_RULES });
      await expect(file.write('rules:\n  node_down:\n    severity: loud\n')).rejects.toThrow(
        'rules.node_down.severity: must be one of critical, warning, info',
      );
      await file.write('rules:\n  # slower paging\n  replicas_below:\n    for: 90s\n');
      expect(readFileSync(file.path, 'utf8')).toContain('# slower paging');
      expect((await file.read()).rules.replicas_below.for).toBe(90);
      writeFileSync(file.path, 'rules:\n  replicas_below: [\n');
      const broken = await file.read();
      expect(broken.rules.replicas_below.for).toBe(90);
      expect(broken.error).toMatch(/alerts\.yaml: not valid YAML/);
    });
    it('names the line of each key at fault, and leaves the file as it was', async () => {
      await file.write('rules:\n  node_down:\n    repeat: 30m\n');
      const bad = 'rules:\n  # paging\n  node_down:\n    severity: loud\n  replicas_below:\n    for: 60s\n    colour: red\n';
      const err = await file.write(bad).catch((e) => e);
      expect(err.code).toBe('INVALID');
      expect(err.message).toBe(
        'rules.node_down.severity: must be one of critical, warning, info (line 4); rules.replicas_below.colour: unknown key (line 7)',
      );
      expect(err.details.problems).toEqual([
        { path: ['rules', 'node_down', 'severity'], message: 'must be one of critical, warning, info', line: 4 },
        { path: ['rules', 'replicas_below', 'colour'], message: 'unknown key', line: 7 },
      ]);
      const broken = await file.write('rules:\n  node_down: [\n').catch((e) => e);
      expect(broken.message).toMatch(/^not valid YAML: .* \(line \d\)$/);
      expect(readFileSync(file.path, 'utf8')).toBe('rules:\n  node_down:\n    repeat: 30m\n');
    });

    it('patches settings from a form, keeping comments, dropping what is back at its built-in value', async () => {
      expect((await file.patch({ replicas_below: { for: '90s' } })).rules.replicas_below.for).toBe(90);
      expect(readFileSync(file.path, 'utf8')).toBe('rules:\n  replicas_below:\n    for: 90s\n');
      writeFileSync(file.path, '# ours\nrules:\n  # slow paging\n  replicas_below:\n    for: 90s\n');
      const state = await file.patch({
        replicas_below: { for: 30, severity: 'critical' },
        node_drained: { enabled: false },
        node_down: { enabled: true, severity: 'critical', for: '0s', repeat: 0 },
      });
      expect(state.rules.replicas_below).toEqual({ enabled: true, severity: 'critical', for: 30, repeat: 0 });
      expect(state.rules.node_drained.enabled).toBe(false);
      expect(readFileSync(file.path, 'utf8')).toBe(
        '# ours\nrules:\n  # slow paging\n  replicas_below:\n    severity: critical\n  node_drained:\n    enabled: false\n',
      );
      await expect(file.patch({ replicas_below: { for: 'soon' } } as never)).rejects.toThrow(
        'rules.replicas_below.for: must be a duration',
      );
      await expect(file.patch({ nope: { for: 1 } } as never)).rejects.toThrow('rules.nope: unknown key');
      expect(readFileSync(file.path, 'utf8')).toContain('severity: critical');
      // a rule or the whole map left empty on disk
      writeFileSync(file.path, 'rules:\n  node_down:\n');
      expect((await file.patch({ node_down: { repeat: '5m' } })).rules.node_down.repeat).toBe(300);
      expect(readFileSync(file.path, 'utf8')).toBe('rules:\n  node_down:\n    repeat: 5m\n');
      writeFileSync(file.path, 'rules:\n');
      await file.patch({ node_drained: { enabled: false } });
      expect(readFileSync(file.path, 'utf8')).toBe('rules:\n  node_drained:\n    enabled: false\n');
      writeFileSync(file.path, 'rules: [\n');
      await expect(file.patch({ node_drained: { enabled: true } })).rejects.toMatchObject({ code: 'CONFLICT' });
    });
  });
});
