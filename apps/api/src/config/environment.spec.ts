import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ PORT: 8080, DATA_DIR: './data', DEFINITIONS_DIR: './definitions', HEALTH_POLL_INTERVAL: 10 });
  });

  it('names every bad variable in one message', () => {
    let message = '';
    try {
      validateEnvironment({ PORT: 'abc', DOCKER_HOST: 'ftp://x', HEALTH_POLL_INTERVAL: '0' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/3 variable/);
    expect(message).toMatch(/PORT="abc": must be an integer port number/);
    expect(message).toMatch(/DOCKER_HOST="ftp:\/\/x": .*unsupported scheme/);
    expect(message).toMatch(/HEALTH_POLL_INTERVAL="0": must be at least 1/);
  });

  it('rejects a registry URL without a scheme', () => {
    expect(() => validateEnvironment({ REGISTRY_URL: 'mini2:5000' })).toThrow(/REGISTRY_URL="mini2:5000": must be an http/);
  });
});
