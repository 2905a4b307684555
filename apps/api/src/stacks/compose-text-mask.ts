import { MASK, maskYamlText } from '../common/mask-secrets';

// A value that only names a variable (`${DB_PASSWORD}`, `$TOKEN`, `${X:?set it}`)
// holds no secret: the secret is in the variables, which are masked on their own.
const REFERENCE = /^["']?\$(\{[^}]*\}|[A-Za-z_]\w*)["']?\s*$/;

/**
 * A compose file for an answer: `SECRET_KEY: value` and `- SECRET_KEY=value`
 * lines masked as a service definition's YAML is, except values that only
 * refer to a variable (those stay readable, the variable itself is masked).
 */
export function maskComposeText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const masked = maskYamlText(line);
      if (masked === line) return line;
      const value = /[:=]\s*(.*)$/.exec(line.replace(/^\s*-\s*/, ''))?.[1] ?? '';
      return REFERENCE.test(value) ? line : masked;
    })
    .join('\n');
}

/**
 * The inverse for an edit: each line still holding the mask gets back the
 * stored value of the same key at the same occurrence (the second masked
 * `POSTGRES_PASSWORD` gets the second stored one), so two services with the
 * same variable name keep their own values.
 */
export function restoreComposeText(incoming: string, stored: string): string {
  if (!incoming.includes(MASK)) return incoming;
  const storedLines = stored.split('\n');
  const maskedStored = maskComposeText(stored).split('\n');
  // per key, the stored lines that the answer showed masked, in order
  const values = new Map<string, string[]>();
  storedLines.forEach((line, i) => {
    if (maskedStored[i] === line) return;
    const key = keyOf(maskedStored[i]);
    if (key) values.set(key, [...(values.get(key) ?? []), line]);
  });
  const seen = new Map<string, number>();
  return incoming
    .split('\n')
    .map((line) => {
      // count every secret line of a key, masked or typed anew, so the occurrences line up with the stored ones
      const masked = line.includes(MASK);
      const key = masked || maskComposeText(line) !== line ? keyOf(line) : undefined;
      if (!key) return line;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      if (!masked) return line;
      const original = values.get(key)?.[n];
      if (original === undefined) return line;
      // keep the incoming line's indentation and prefix, take the stored value
      const value = valueOf(original);
      return value === undefined ? line : line.replace(MASK, () => value);
    })
    .join('\n');
}

function keyOf(line: string): string | undefined {
  const listed = /^\s*-\s*["']?([A-Za-z_][\w.-]*)=/.exec(line);
  if (listed) return listed[1];
  return /^\s*["']?([A-Za-z_][\w.-]*)["']?\s*:\s+/.exec(line)?.[1];
}

function valueOf(line: string): string | undefined {
  const listed = /^\s*-\s*["']?[A-Za-z_][\w.-]*=(.*?)(["']?\s*)$/.exec(line);
  if (listed) return listed[1];
  return /^\s*["']?[A-Za-z_][\w.-]*["']?\s*:\s+(\S.*)$/.exec(line)?.[1];
}
