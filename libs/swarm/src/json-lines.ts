import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Calls `each` with every non-empty line of a newline-delimited stream (the
 * Engine's events and stats streams), however the chunks cut the lines and
 * the UTF-8 characters in them.
 */
export function onLines(stream: Readable, each: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) each(line.trim());
  });
}
