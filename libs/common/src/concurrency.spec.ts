import { AsyncQueue } from './async-queue';
import { KeyedLock } from './keyed-lock';
import { strictMock } from './testing';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedLock', () => {
  it('runs one task per key at a time, in order, and a failure does not block the next', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const first = lock.run('web', async () => {
      log.push('a start');
      await new Promise<void>((r) => (release = r));
      log.push('a end');
      throw new Error('a failed');
    });
    const second = lock.run('web', async () => log.push('b'));
    const other = lock.run('db', async () => log.push('other key'));
    await tick();
    expect(log).toEqual(['a start', 'other key']);
    release();
    await expect(first).rejects.toThrow('a failed');
    await second;
    await other;
    expect(log).toEqual(['a start', 'other key', 'a end', 'b']);
  });
});

describe('AsyncQueue', () => {
  it('yields what was pushed, before and while the consumer waits, then ends', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    const seen: number[] = [];
    const done = (async () => {
      for await (const n of q) seen.push(n);
    })();
    await tick();
    q.push(2);
    q.push(3);
    q.end();
    q.push(4);
    await done;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws the error it was ended with, after what was queued', async () => {
    const q = new AsyncQueue<string>();
    q.push('progress');
    q.end(new Error('deploy refused'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const s of q) seen.push(s);
      })(),
    ).rejects.toThrow('deploy refused');
    expect(seen).toEqual(['progress']);
  });

  it('ends a waiting consumer when its signal aborts', async () => {
    const abort = new AbortController();
    const q = new AsyncQueue<string>(abort.signal);
    const done = (async () => {
      for await (const _ of q) throw new Error('nothing was pushed');
    })();
    await tick();
    abort.abort();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('strictMock', () => {
  it('answers the stubbed members and throws, naming it, on any other', async () => {
    const mock = strictMock<{ a(): number; b(): number }>('Thing', { a: () => 1 });
    expect(mock.a()).toBe(1);
    expect(() => mock.b()).toThrow('Thing.b was used but the spec did not stub it');
    await expect(Promise.resolve(mock)).resolves.toBe(mock);
  });
});
