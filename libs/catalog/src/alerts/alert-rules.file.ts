import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DomainError } from '@app/common';
import { CATALOG_OPTIONS, CatalogOptions } from '../catalog.options';
import { AlertRules, AlertRulesError, DEFAULT_ALERT_RULES, resolveAlertRules } from './alert-rules.schema';

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

  /** Validates `text` (INVALID naming the key) and replaces the file atomically. */
  async write(text: string): Promise<AlertRulesState> {
    if (Buffer.byteLength(text) > MAX_BYTES) throw new DomainError('INVALID', `the rules file must be at most ${MAX_BYTES} bytes`);
    let rules: AlertRules;
    try {
      rules = parseRules(text);
    } catch (err) {
      throw new DomainError('INVALID', (err as Error).message);
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
}

function parseRules(text: string): AlertRules {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AlertRulesError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return resolveAlertRules(doc);
}
