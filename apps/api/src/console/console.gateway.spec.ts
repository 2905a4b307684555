import { describeTarget } from './console-audit';
import { bearerFromProtocols } from './console.gateway';

describe('console gateway helpers', () => {
  it('reads the token a browser offers as a base64url subprotocol, beside the console protocol', () => {
    const token = 'so_abc+/= with anything é';
    const offered = `swarm-console, bearer.${Buffer.from(token).toString('base64url')}`;
    expect(bearerFromProtocols(offered)).toBe(token);
    expect(bearerFromProtocols(['swarm-console', `bearer.${Buffer.from('t').toString('base64url')}`])).toBe('t');
    expect(bearerFromProtocols('swarm-console')).toBeUndefined();
    expect(bearerFromProtocols(undefined)).toBeUndefined();
  });

  it('names a session target as the audit log shows it', () => {
    expect(describeTarget({ taskId: 't1', serviceName: 'web', slot: 1, nodeId: 'n', nodeHostname: 'rog1' })).toBe(
      'web.1 on rog1 (task t1)',
    );
    expect(describeTarget({ taskId: 't2', serviceName: 'agent', nodeId: 'n', nodeHostname: 'spark1' })).toBe('agent on spark1 (task t2)');
  });
});
