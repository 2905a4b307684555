import { MutationObserver } from '@tanstack/vue-query';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { queryClient } from './queryClient';
import { useToastStore } from './stores/toasts';

const run = (options: ConstructorParameters<typeof MutationObserver>[1]) =>
  new MutationObserver(queryClient, options).mutate(undefined).catch(() => undefined);

describe('the global mutation path', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("shows a failed mutation's API message as an error toast", async () => {
    await run({ mutationFn: () => Promise.reject(new ApiError(400, 'replicas must be 0 or more')) });
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', text: 'replicas must be 0 or more' }]);
  });

  it('shows the short success notice the mutation declares', async () => {
    await run({ mutationFn: () => Promise.resolve({ name: 'web' }), meta: { success: (d: { name: string }) => `saved ${d.name}` } });
    expect(useToastStore().toasts).toMatchObject([{ kind: 'success', text: 'saved web' }]);
  });

  it('leaves a refused token to the sign-in page', async () => {
    await run({ mutationFn: () => Promise.reject(new ApiError(401, 'token "x" was revoked')) });
    expect(useToastStore().toasts).toEqual([]);
  });
});
