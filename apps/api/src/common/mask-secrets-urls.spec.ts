import { MASK, maskSecrets, restoreMaskedSecrets } from './mask-secrets';

describe('mask-secrets: URLs that carry their credential', () => {
  it('masks the path, query and user of a channel URL in an audit entry, keeping scheme and host', () => {
    const params = {
      body: {
        name: 'ops chat',
        type: 'slack',
        url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
        channels: [
          { type: 'ntfy', url: 'https://ntfy.example.com/ops-alerts-7f3a' },
          { type: 'webhook', webhookUrl: 'http://10.0.0.5:9000/hook?token=abc' },
          { type: 'webhook', url: 'https://ops:pw@hooks.example.com/' },
        ],
      },
    };
    const masked = maskSecrets(params);
    expect(masked.body.url).toBe(`https://hooks.slack.com/${MASK}`);
    expect(masked.body.channels[0].url).toBe(`https://ntfy.example.com/${MASK}`);
    expect(masked.body.channels[1].webhookUrl).toBe(`http://10.0.0.5:9000/${MASK}`);
    expect(masked.body.channels[2].url).toBe(`https://hooks.example.com/${MASK}`);
    expect(JSON.stringify(masked)).not.toMatch(/XXXXSECRET|7f3a|token=abc|pw@/);
    expect(masked.body.name).toBe('ops chat');
    expect(params.body.url).toContain('XXXXSECRET');
  });

  it('leaves a bare origin, a non-HTTP value and other keys alone', () => {
    expect(maskSecrets({ url: 'https://ntfy.sh' }).url).toBe('https://ntfy.sh');
    expect(maskSecrets({ url: 'https://ntfy.sh/' }).url).toBe('https://ntfy.sh/');
    expect(maskSecrets({ url: 'not a url/with/path' }).url).toBe('not a url/with/path');
    expect(maskSecrets({ url: 'unix:///var/run/docker.sock' }).url).toBe('unix:///var/run/docker.sock');
    expect(maskSecrets({ image: 'https://registry.example.com/team/app' }).image).toBe('https://registry.example.com/team/app');
  });

  it('restores a masked URL sent back unchanged, and keeps a new one as sent', () => {
    const stored = { labels: { url: 'https://hooks.example.com/T1/secret' } };
    const edited = maskSecrets(stored);
    expect(restoreMaskedSecrets(edited, stored)).toEqual(stored);
    expect(restoreMaskedSecrets({ labels: { url: 'https://other.example.com/x' } }, stored)).toEqual({
      labels: { url: 'https://other.example.com/x' },
    });
  });
});
