import { KeyedDebouncer } from './keyed-debouncer';

describe('KeyedDebouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a burst of fifty calls for one key once, with the last task, after the quiet period', async () => {
    const d = new KeyedDebouncer(1000);
    const ran: number[] = [];
    for (let i = 0; i < 50; i++) {
      d.schedule('web', async () => void ran.push(i));
      if (i < 49) await jest.advanceTimersByTimeAsync(20); // 50 calls within a second
    }
    expect(ran).toEqual([]);
    await jest.advanceTimersByTimeAsync(999);
    expect(ran).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([49]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(ran).toEqual([49]);
  });

  it('keeps keys apart', async () => {
    const d = new KeyedDebouncer(100);
    const ran: string[] = [];
    d.schedule('a', async () => void ran.push('a'));
    d.schedule('b', async () => void ran.push('b'));
    d.schedule('a', async () => void ran.push('a2'));
    await jest.advanceTimersByTimeAsync(100);
    expect(ran.sort()).toEqual(['a2', 'b']);
  });

  it('never overlaps two tasks of one key: a call during a run runs after it', async () => {
    const d = new KeyedDebouncer(100);
    const log: string[] = [];
    let release!: () => void;
    d.schedule(
      'web',
      () =>
        new Promise<void>((r) => {
          log.push('start 1');
          release = () => {
            log.push('end 1');
            r();
          };
        }),
    );
    await jest.advanceTimersByTimeAsync(100);
    expect(log).toEqual(['start 1']);
    d.schedule('web', async () => void log.push('start 2'));
    await jest.advanceTimersByTimeAsync(500);
    expect(log).toEqual(['start 1']);
    expect(d.pending('web')).toBe(true);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['start 1', 'end 1', 'start 2']);
    await d.idle();
    expect(d.pending('web')).toBe(false);
  });

  it('reports a failing task and keeps working', async () => {
    const errors: string[] = [];
    const d = new KeyedDebouncer(10, (key, err) => errors.push(`${key}: ${(err as Error).message}`));
    d.schedule('web', async () => {
      throw new Error('boom');
    });
    await jest.advanceTimersByTimeAsync(10);
    const ran: string[] = [];
    d.schedule('web', async () => void ran.push('ok'));
    await jest.advanceTimersByTimeAsync(10);
    expect(errors).toEqual(['web: boom']);
    expect(ran).toEqual(['ok']);
  });

  it('drops waiting tasks once stopped', async () => {
    const d = new KeyedDebouncer(10);
    const ran: string[] = [];
    d.schedule('web', async () => void ran.push('x'));
    d.stop();
    d.schedule('web', async () => void ran.push('y'));
    await jest.advanceTimersByTimeAsync(100);
    expect(ran).toEqual([]);
  });
});
