import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import DefinitionEditor from './DefinitionEditor.vue';

describe('DefinitionEditor', () => {
  it('shows each API problem at its field', () => {
    const w = mount(DefinitionEditor, {
      props: { initial: 'name: x', submitLabel: 'Create', error: new Error('deploy.replicas: must be 0 or more; image: is required') },
    });
    const items = w.findAll('[data-testid="definition-errors"] li');
    expect(items.map((i) => i.find('code').text())).toEqual(['deploy.replicas', 'image']);
    expect(items[0].text()).toContain('must be 0 or more');
  });

  it('emits the edited text on submit', async () => {
    const w = mount(DefinitionEditor, { props: { initial: 'name: a', submitLabel: 'Save' } });
    await w.find('textarea').setValue('name: b\nimage: x');
    await w.find('form').trigger('submit');
    expect(w.emitted('submit')).toEqual([['name: b\nimage: x']]);
  });
});
