import { MASK as STACK_MASK } from '../masking/secret-key';
import { maskStack, maskStackVariables, restoreMaskedStack, secretFilePaths } from './stack.mask';

const compose =
  'services:\n  db:\n    image: postgres\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./secrets/pw.txt\n  ext:\n    external: true\nconfigs:\n  conf:\n    file: conf/site.conf\n';

describe('stack masking', () => {
  it('masks secret-looking variables, keeps the others and empty values', () => {
    expect(maskStackVariables({ DB_PASSWORD: 'x', API_TOKEN: 't', api_key: 'k', TAG: '1.2', EMPTY_SECRET: '' })).toEqual({
      DB_PASSWORD: STACK_MASK,
      API_TOKEN: STACK_MASK,
      api_key: STACK_MASK,
      TAG: '1.2',
      EMPTY_SECRET: '',
    });
  });

  it('names the files that hold a secret, in canonical form', () => {
    expect(secretFilePaths(compose)).toEqual(['secrets/pw.txt']);
    expect(secretFilePaths('not: [valid')).toEqual([]);
  });

  it('masks the content of secret files in an answer, keeps config files as text', () => {
    const view = maskStack({
      name: 'db',
      compose,
      variables: { DB_PASSWORD: 'hunter2', TAG: '1' },
      files: { 'secrets/pw.txt': Buffer.from('hunter2\n'), 'conf/site.conf': Buffer.from('server {}\n') },
    });
    expect(view.variables).toEqual({ DB_PASSWORD: STACK_MASK, TAG: '1' });
    expect(view.files).toEqual({ 'secrets/pw.txt': STACK_MASK, 'conf/site.conf': 'server {}\n' });
    expect(JSON.stringify(view)).not.toContain('hunter2');
  });

  it('restores masked values from the stored stack on an edit, keeps what the client changed', () => {
    const stored = { variables: { DB_PASSWORD: 'hunter2', TAG: '1' }, files: { 'secrets/pw.txt': Buffer.from('hunter2\n') } };
    const incoming = {
      compose,
      variables: { DB_PASSWORD: STACK_MASK, TAG: '2', NEW_TOKEN: STACK_MASK },
      files: { './secrets/pw.txt': STACK_MASK, 'conf/site.conf': 'x' },
    };
    expect(restoreMaskedStack(incoming, stored)).toEqual({
      compose,
      variables: { DB_PASSWORD: 'hunter2', TAG: '2', NEW_TOKEN: STACK_MASK },
      files: { './secrets/pw.txt': Buffer.from('hunter2\n'), 'conf/site.conf': 'x' },
    });
  });
});
