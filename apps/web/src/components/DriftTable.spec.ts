import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import DriftTable from './DriftTable.vue';

describe('DriftTable', () => {
  it('shows each drifted field with what the file wants and what runs', () => {
    const w = mount(DriftTable, {
      props: {
        items: [
          { path: 'Mode.Replicated.Replicas', definition: 2, deployed: 5 },
          { path: 'TaskTemplate.ContainerSpec.Env', definition: ['A=1'], deployed: undefined },
        ],
      },
    });
    const text = w.text();
    expect(text).toContain('Mode.Replicated.Replicas');
    expect(text).toContain('+ 2');
    expect(text).toContain('− 5');
    expect(text).toContain('+ ["A=1"]');
    expect(text).toContain('− (not set)');
  });

  it('renders nothing when in sync', () => {
    expect(
      mount(DriftTable, { props: { items: [] } })
        .find('[data-testid="drift"]')
        .exists(),
    ).toBe(false);
  });
});
