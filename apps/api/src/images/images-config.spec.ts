import { AppConfig } from '../config/app-config';
import { validateEnvironment } from '../config/environment';

const images = (env: Record<string, string>) => new AppConfig(validateEnvironment(env)).images;

describe('image lifecycle configuration', () => {
  it('polls the tags in use every 300 s without notifications, and not at all with them, unless told', () => {
    expect(images({})).toEqual({ notifySecret: undefined, pollIntervalSeconds: 300, redeployDebounceMs: 1000 });
    expect(images({ REGISTRY_NOTIFY_SECRET: 's'.repeat(16) })).toMatchObject({ notifySecret: 's'.repeat(16), pollIntervalSeconds: 0 });
    expect(images({ REGISTRY_NOTIFY_SECRET: 's'.repeat(16), REGISTRY_POLL_INTERVAL: '60' }).pollIntervalSeconds).toBe(60);
    expect(images({ REGISTRY_POLL_INTERVAL: '0', REGISTRY_REDEPLOY_DEBOUNCE_MS: '250' })).toMatchObject({
      pollIntervalSeconds: 0,
      redeployDebounceMs: 250,
    });
  });

  it('names every bad variable, without showing the secret', () => {
    let message = '';
    try {
      validateEnvironment({ REGISTRY_NOTIFY_SECRET: 'short', REGISTRY_POLL_INTERVAL: 'often', REGISTRY_REDEPLOY_DEBOUNCE_MS: '-1' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/3 variable/);
    expect(message).toMatch(/REGISTRY_NOTIFY_SECRET=.*must be at least 16 characters/);
    expect(message).not.toContain('"short"');
    expect(message).toMatch(/REGISTRY_POLL_INTERVAL="often": must be a whole number of seconds/);
    expect(message).toMatch(/REGISTRY_REDEPLOY_DEBOUNCE_MS="-1": must be 0 or more/);
  });
});
