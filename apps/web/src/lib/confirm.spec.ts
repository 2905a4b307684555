import { describe, expect, it } from 'vitest';
import { confirmAction, pendingConfirm } from './confirm';

describe('confirmAction', () => {
  it('opens one request and resolves with the answer, then closes', async () => {
    const answer = confirmAction({ title: 'Stop web?', message: 'Its tasks stop.', confirmLabel: 'Stop web', danger: true });
    expect(pendingConfirm.value?.title).toBe('Stop web?');
    pendingConfirm.value!.resolve(true);
    await expect(answer).resolves.toBe(true);
    expect(pendingConfirm.value).toBeUndefined();
  });

  it('cancels an open request when another one comes: never two at once, never a dangling promise', async () => {
    const first = confirmAction({ title: 'a', message: '', confirmLabel: 'a' });
    const second = confirmAction({ title: 'b', message: '', confirmLabel: 'b' });
    await expect(first).resolves.toBe(false);
    expect(pendingConfirm.value?.title).toBe('b');
    pendingConfirm.value!.resolve(false);
    await expect(second).resolves.toBe(false);
  });
});
