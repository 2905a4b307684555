import { PassThrough } from 'node:stream';
import { onLines } from './json-lines';

describe('onLines', () => {
  it('gives whole lines however the chunks cut them, and skips empty ones', () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    onLines(stream, (l) => lines.push(l));
    stream.write(Buffer.from('{"a":1}\n{"b"'));
    stream.write(Buffer.from(':2}\n\n  \n{"c":3}'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    stream.write(Buffer.from('\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a UTF-8 character split across two chunks', () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    onLines(stream, (l) => lines.push(l));
    const bytes = Buffer.from('{"name":"café"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    stream.write(bytes.subarray(0, cut));
    stream.write(bytes.subarray(cut));
    expect(lines).toEqual(['{"name":"café"}']);
  });
});
