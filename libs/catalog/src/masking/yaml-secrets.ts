import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Range, type Scalar } from 'yaml';
import { isSecretKey, MASK } from './secret-key';

export interface YamlSecretOptions {
  /**
   * Keep values that only name a variable (`${DB_PASSWORD}`, `$TOKEN`) readable.
   * Right for compose files, where such a value is interpolated and the secret
   * lives in the variables (masked on their own); wrong for a definition, where
   * `${X}` would be the literal value.
   */
  keepVariableReferences?: boolean;
}

/**
 * YAML text for an answer: the value of every secret-looking key (`DB_PASSWORD: x`,
 * in block or flow maps, variables files, anywhere in the document) and of every
 * `SECRET=value` list entry (`environment: [API_TOKEN=x]`) replaced by MASK.
 * The text is edited in place at the nodes' source ranges, so comments, key
 * order, quoting and layout stay as written. An anchored value that an alias
 * under a secret key points at is masked where it is written, whatever its key.
 */
export function maskYamlSecrets(text: string, options: YamlSecretOptions = {}): string {
  // most text names no secret at all: no parse
  if (!isSecretKey(text)) return text;
  const edits = secretSpots(text, options)
    .filter((spot) => spot.masked !== undefined)
    .map((spot) => ({ range: spot.range, text: spot.masked as string }));
  return splice(text, edits);
}

/**
 * The inverse for an edit: a value of `incoming` still equal to the mask gets back
 * the stored value at the same path (the same keys from the root; a list entry by
 * its variable name, so reordering a list is fine), so a read-edit-save round trip
 * keeps secrets the client never saw. A value the client changed is kept, and a
 * mask moved to another key or path stays a mask: a secret never lands under a
 * key it was not stored under.
 */
export function restoreYamlSecrets(incoming: string, stored: string, options: YamlSecretOptions = {}): string {
  if (!incoming.includes(MASK)) return incoming;
  const storedValues = new Map(
    secretSpots(stored, options)
      .filter((spot) => spot.masked !== undefined)
      .map((spot) => [spot.path, stored.slice(spot.range[0], spot.range[1])]),
  );
  const edits = secretSpots(incoming, options)
    .filter((spot) => spot.masked === undefined && storedValues.has(spot.path))
    .map((spot) => ({ range: spot.range, text: storedValues.get(spot.path) as string }));
  return splice(incoming, edits);
}

/**
 * A place that holds a secret: its path from the root and its source range.
 * `masked` is the text that replaces it; undefined when it already shows the
 * mask (a client sent it back).
 */
interface SecretSpot {
  path: string;
  range: [number, number];
  masked?: string;
}

const LIST_ENTRY = /^([A-Za-z_][\w.-]*)=([\s\S]*)$/;
const VARIABLE_REFERENCE = /^\$(\{[^}]*\}|[A-Za-z_]\w*)$/;

function secretSpots(text: string, options: YamlSecretOptions): SecretSpot[] {
  const spots: SecretSpot[] = [];
  const add = (path: string, spot: Omit<SecretSpot, 'path'> | undefined) => spot && spots.push({ path, ...spot });
  parseAllDocuments(text, { uniqueKeys: false }).forEach((doc, d) => {
    const aliased = aliasedSecrets(doc);
    const walk = (node: unknown, path: string, secretKey: boolean): void => {
      if (isMap(node)) {
        node.items.forEach((pair, i) => {
          // a collection as a key is what a broken document parses to (a list among map entries): look inside it too
          if (!isScalar(pair.key)) return walk(pair.key, `${path}/?${i}`, false);
          if (pair.key.value === null || pair.key.value === undefined) return;
          const key = String(pair.key.value);
          walk(pair.value, `${path}/${escape(key)}`, isSecretKey(key));
        });
      } else if (isSeq(node)) {
        const seen = new Map<string, number>();
        node.items.forEach((item, i) => {
          const entry = isScalar(item) && typeof item.value === 'string' ? LIST_ENTRY.exec(item.value) : null;
          if (!entry) return walk(item, `${path}/${i}`, false);
          const n = seen.get(entry[1]) ?? 0;
          seen.set(entry[1], n + 1);
          if (isSecretKey(entry[1])) add(`${path}/=${escape(entry[1])}#${n}`, listEntrySpot(text, item as Scalar, entry, options));
        });
      } else if (isAlias(node)) {
        // `KEY: ********` sent back unquoted reads as an alias to an anchor named `*******`
        if (node.source === MASK.slice(1) && node.range) add(path, { range: [node.range[0], node.range[1]] });
      } else if (isScalar(node) && (secretKey || aliased.has(node))) {
        add(path, valueSpot(text, node, options));
      }
    };
    walk(doc.contents, `${d}`, false);
  });
  return spots;
}

/** Scalars that an alias under a secret key points at. */
function aliasedSecrets(doc: Document): Set<Node> {
  const targets = new Set<Node>();
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && isSecretKey(String(pair.key.value)) && isAlias(pair.value)) {
          const target = pair.value.resolve(doc);
          if (isScalar(target)) targets.add(target);
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) node.items.forEach(visit);
  };
  visit(doc.contents);
  return targets;
}

function valueSpot(text: string, node: Scalar, options: YamlSecretOptions): Omit<SecretSpot, 'path'> | undefined {
  if (!node.range || node.value === null || node.value === undefined || node.value === '') return undefined;
  const value = String(node.value);
  const range = trimmedRange(text, node.range);
  if (value === MASK || value === `${MASK}\n`) return { range };
  if (options.keepVariableReferences && VARIABLE_REFERENCE.test(value.trim())) return undefined;
  // in the scalar's own quoting; a block scalar becomes a plain mask on its key's line
  const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
  return { range, masked: `${quote}${MASK}${quote}` };
}

function listEntrySpot(
  text: string,
  node: Scalar,
  [, key, value]: RegExpExecArray,
  options: YamlSecretOptions,
): Omit<SecretSpot, 'path'> | undefined {
  if (!node.range || value === '') return undefined;
  const range = trimmedRange(text, node.range);
  if (value === MASK) return { range };
  if (options.keepVariableReferences && VARIABLE_REFERENCE.test(value.trim())) return undefined;
  const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
  return { range, masked: `${quote}${key}=${MASK}${quote}` };
}

/** A block scalar's range runs into the next line: its line breaks stay in the text, masked or not. */
function trimmedRange(text: string, range: Range): [number, number] {
  let end = range[1];
  while (end > range[0] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return [range[0], end];
}

/** Keys may hold `/`: escaped so that the key `a/b` and the path a → b differ. */
function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function splice(text: string, edits: { range: [number, number]; text: string }[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) {
    out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
  }
  return out;
}
