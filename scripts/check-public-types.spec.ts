import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { findPublicAny } from './check-public-types';

jest.setTimeout(60_000);

describe('check-public-types: no any at a library front door', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'so-types-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (source: string) => {
    const entry = join(dir, `index-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(entry, source);
    return findPublicAny([entry], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      lib: ['lib.es2023.d.ts'],
      skipLibCheck: true,
    }).map((l) => l.replace(/^[^:]*: /, ''));
  };

  it('finds an any however deep it sits in what the entry exports', () => {
    expect(
      check(`
        interface Inner { raw: any }
        export interface State { id: string; inner: Inner }
        export function inspect(): Promise<any> { return Promise.resolve(1); }
        export class Services { list(filter: any): string[] { return []; } state(): State { throw new Error(); } }
        export type Labels = Record<string, any>;
        export const handler = (cb: (e: any) => void) => cb;
      `).sort(),
    ).toEqual(
      [
        'State.inner.raw is any',
        'inspect() returns<…> is any',
        'Services.list(filter) is any',
        'Services.state() returns.inner.raw is any',
        'Labels[…] is any',
        'handler(cb)(e) is any',
      ].sort(),
    );
  });

  it('passes owned types, unknown, private members and a package default it did not write', () => {
    expect(
      check(`
        export interface State { id: string; spec: unknown; labels: Record<string, string> }
        export class Services {
          private raw: any;
          async *logs(): AsyncGenerator<string> { yield ''; }
          inspect(): Promise<State> { return this.raw; }
        }
        export function parse(text: string): unknown { return JSON.parse(text); }
      `),
    ).toEqual([]);
  });
});
