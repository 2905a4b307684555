import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { DomainError } from '@app/common';
import { CATALOG_OPTIONS, CatalogOptions } from '../catalog.options';
import {
  ALERT_RULE_IDS,
  AlertRuleId,
  AlertRules,
  AlertRulesError,
  AlertRulesProblem,
  DEFAULT_ALERT_RULES,
  parseDuration,
  resolveAlertRules,
} from './alert-rules.schema';

const MAX_BYTES = 64 * 1024;

export interface AlertRulesState {
  rules: AlertRules;
  /** The file's text; undefined: no file, the built-in rules apply. */
  text?: string;
  /** Why the file on disk is not used (the last good rules stay in force). */
  error?: string;
}

/**
 * The alert rules in DATA_DIR/alerts.yaml: the built-in rules with what the file
 * changes. Re-read when the file changes on disk; a broken file keeps the last
 * good rules in force and says why, so a typo never silences every alert.
 */
@Injectable()
export class AlertRulesFile {
  private cache?: { mtimeMs: number; size: number; state: AlertRulesState };
  private lastGood: AlertRules = structuredClone(DEFAULT_ALERT_RULES);

  constructor(@Inject(CATALOG_OPTIONS) private readonly options: CatalogOptions) {}

  get path(): string {
    return join(this.options.dataDir, 'alerts.yaml');
  }

  async read(): Promise<AlertRulesState> {
    let info: { mtimeMs: number; size: number };
    try {
      info = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cache = undefined;
        this.lastGood = structuredClone(DEFAULT_ALERT_RULES);
        return { rules: this.lastGood };
      }
      return { rules: this.lastGood, error: `cannot read ${this.path}: ${(err as Error).message}` };
    }
    if (this.cache && this.cache.mtimeMs === info.mtimeMs && this.cache.size === info.size) return this.cache.state;
    const text = await readFile(this.path, 'utf8').catch(() => '');
    let state: AlertRulesState;
    try {
      state = { rules: parseRules(text), text };
      this.lastGood = state.rules;
    } catch (err) {
      state = { rules: this.lastGood, text, error: `${this.path}: ${(err as Error).message}` };
    }
    this.cache = { mtimeMs: info.mtimeMs, size: info.size, state };
    return state;
  }

  /**
   * Validates `text` and replaces the file atomically (a temporary file, fsync,
   * rename): a refused text leaves the file as it was. INVALID names each key at
   * fault and its line; `problems` carries them for an editor.
   */
  async write(text: string): Promise<AlertRulesState> {
    if (Buffer.byteLength(text) > MAX_BYTES) throw new DomainError('INVALID', `the rules file must be at most ${MAX_BYTES} bytes`);
    let rules: AlertRules;
    try {
      rules = parseRules(text);
    } catch (err) {
      if (err instanceof AlertRulesError) throw new DomainError('INVALID', err.message, { problems: err.problems });
      throw err;
    }
    mkdirSync(this.options.dataDir, { recursive: true });
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new DomainError('UNAVAILABLE', `cannot write ${this.path}: ${(err as Error).message}`, undefined, { cause: err });
    }
    this.cache = undefined;
    this.lastGood = rules;
    return { rules, text };
  }

  /**
   * Changes some settings of some rules, as the dashboard's form sends them
   * (`{ replicas_below: { for: "60s" } }`), keeping the rest of the file and its
   * comments; a setting back at its built-in value leaves the file.
   */
  async patch(changes: Partial<Record<AlertRuleId, Record<string, unknown>>>): Promise<AlertRulesState> {
    try {
      resolveAlertRules({ rules: changes });
    } catch (err) {
      if (err instanceof AlertRulesError) throw new DomainError('INVALID', err.message, { problems: err.problems });
      throw err;
    }
    const current = await readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw new DomainError('UNAVAILABLE', `cannot read ${this.path}: ${err.message}`, undefined, { cause: err });
    });
    const doc: Document = parseDocument(current);
    if (doc.contents === null) doc.contents = doc.createNode({});
    if (doc.errors.length || !isMap(doc.contents))
      throw new DomainError('CONFLICT', `${this.path} is not valid YAML on disk: replace the whole file (PUT with yaml) to fix it`);
    // `rules:` or `node_down:` left empty on disk is null: a map is needed to set keys in
    if (!isMap(doc.get('rules', true))) doc.set('rules', doc.createNode({}));
    for (const id of ALERT_RULE_IDS) {
      const settings = changes[id];
      if (!settings) continue;
      if (!isMap(doc.getIn(['rules', id], true))) doc.setIn(['rules', id], doc.createNode({}));
      for (const [key, value] of Object.entries(settings)) {
        if (value === undefined) continue;
        if (isBuiltIn(id, key, value)) {
          if (doc.hasIn(['rules', id, key])) doc.deleteIn(['rules', id, key]);
        } else doc.setIn(['rules', id, key], value);
      }
      const node = doc.getIn(['rules', id]);
      if (isMap(node) && !node.items.length) doc.deleteIn(['rules', id]);
    }
    return this.write(doc.toString());
  }
}

function isBuiltIn(id: AlertRuleId, key: string, value: unknown): boolean {
  const builtIn = DEFAULT_ALERT_RULES[id];
  if (key === 'enabled' || key === 'severity') return builtIn[key] === value;
  const seconds = parseDuration(value);
  if (key === 'for' || key === 'repeat') return seconds === builtIn[key];
  return key === 'resolve_after' && seconds === builtIn.resolveAfter;
}

/** The rules in `text`; AlertRulesError with each problem's line. */
function parseRules(text: string): AlertRules {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line ?? lines.linePos(e.pos[0]).line;
    throw new AlertRulesError([{ path: [], message: `not valid YAML: ${e.message.split('\n')[0]}`, line }]);
  }
  try {
    return resolveAlertRules(doc.toJS());
  } catch (err) {
    if (!(err instanceof AlertRulesError)) throw err;
    throw new AlertRulesError(err.problems.map((p) => ({ ...p, line: lineOf(doc, lines, p) })));
  }
}

/** The line of the key a problem names (an unknown key's own line), or of the nearest enclosing key. */
function lineOf(doc: Document, lines: LineCounter, p: AlertRulesProblem): number | undefined {
  for (let n = p.path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(p.path.slice(0, n - 1), true);
    if (!isMap(parent)) continue;
    const pair = parent.items.find((i) => isScalar(i.key) && i.key.value === p.path[n - 1]);
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}
