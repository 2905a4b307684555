import { ExecFrameReader } from './exec-frames';

const frame = (type: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('ExecFrameReader', () => {
  it('splits stdout from stderr across chunk boundaries anywhere, headers included', () => {
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'warn\n'), frame(1, 'world\n')]);
    for (let cut = 1; cut < all.length; cut++) {
      const reader = new ExecFrameReader(1000);
      reader.push(all.subarray(0, cut));
      reader.push(all.subarray(cut));
      expect(reader.result()).toEqual({ stdout: 'hello world\n', stderr: 'warn\n', truncated: false });
    }
  });

  it('keeps at most maxBytes of both streams together and says it dropped the rest', () => {
    const reader = new ExecFrameReader(8);
    reader.push(frame(1, 'abcde'));
    reader.push(frame(2, 'fghij'));
    reader.push(frame(1, 'klm'));
    expect(reader.result()).toEqual({ stdout: 'abcde', stderr: 'fgh', truncated: true });
  });

  it('exactly maxBytes is not truncated', () => {
    const reader = new ExecFrameReader(5);
    reader.push(frame(1, 'abcde'));
    expect(reader.result().truncated).toBe(false);
  });
});
