import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import StatusBadge from './StatusBadge.vue';

describe('StatusBadge', () => {
  it('colours by status and reads as words', () => {
    const ok = mount(StatusBadge, { props: { status: 'running' } });
    expect(ok.classes()).toContain('bg-emerald-100');
    const bad = mount(StatusBadge, { props: { status: 'not_deployed' } });
    expect(bad.text()).toBe('not deployed');
    expect(mount(StatusBadge, { props: { status: 'down', label: 'node rog1 down' } }).text()).toBe('node rog1 down');
  });
});
