import { eventually, labEnv } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';
import { getManifest, pushVariant, relabel } from './image-fixtures';

jest.setTimeout(120_000);

const NAME = 'img-poll';
const REPO = 'img-poll';

describe('image updates without registry notifications: the poll of the tags in use', () => {
  let t: TestApp;
  let registryUrl: string;

  beforeAll(async () => {
    registryUrl = labEnv().REGISTRY_URL;
    t = await startTestApp({ REGISTRY_POLL_INTERVAL: '1' });
  });
  afterAll(async () => {
    await t.api(`/api/services/${NAME}?force=true`, { method: 'DELETE' }).catch(() => undefined);
    await t?.close();
  });

  it('refuses notifications while REGISTRY_NOTIFY_SECRET is unset (403, saying how to turn them on)', async () => {
    const res = await fetch(`${t.url}/api/registry/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-registry-secret': 'anything-0123456789' },
      body: '{"events":[]}',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/REGISTRY_NOTIFY_SECRET/);
  });

  it('refuses an x-update value it does not know, naming the field', async () => {
    const res = await t.api('/api/services', {
      method: 'POST',
      json: { name: `${NAME}-bad`, image: `${labEnv().LAB_REGISTRY}/${REPO}:1.0`, 'x-update': 'sometimes' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/x-update/);
  });

  it('finds a new digest under the tag a service runs within the poll interval', async () => {
    const base = await getManifest(registryUrl, 'busybox', '1.0');
    await pushVariant(registryUrl, base, 'busybox', REPO, '1.0', relabel(`poll-start-${Date.now()}`));
    expect(
      (
        await t.api('/api/services', {
          method: 'POST',
          json: { name: NAME, image: `${labEnv().LAB_REGISTRY}/${REPO}:1.0`, command: ['sleep', '3600'] },
        })
      ).status,
    ).toBe(201);
    const deployed = (await (await t.api(`/api/services/${NAME}/deploy?wait=true&timeout=90`, { method: 'POST' })).json()) as {
      imageDigest: string;
    };
    const pushed = await pushVariant(registryUrl, base, 'busybox', REPO, '1.0', relabel(`poll-${Date.now()}`));
    const update = await eventually(
      async () =>
        (
          (await (await t.api('/api/images/updates')).json()) as Array<{
            service: string;
            availableDigest: string;
            currentDigest: string;
            policy: string;
          }>
        ).find((u) => u.service === NAME && u.availableDigest === pushed.digest),
      5000,
      'the update found by the poll',
      100,
    );
    expect(update).toMatchObject({ currentDigest: deployed.imageDigest, policy: 'notify' });
  });
});
