import { DomainError } from '@app/common';
import { parseNotificationEnvelope } from './registry-notification';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const manifestPush = (over: Record<string, unknown> = {}) => ({
  id: 'e1',
  timestamp: '2026-11-30T09:00:00.123456789Z',
  action: 'push',
  target: {
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    digest: DIGEST,
    repository: 'busybox',
    tag: '1.0',
    size: 527,
  },
  request: { method: 'PUT' },
  ...over,
});

function invalid(body: unknown): string {
  try {
    parseNotificationEnvelope(body);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('INVALID');
    return (err as Error).message;
  }
  throw new Error('expected the envelope to be refused');
}

describe('parseNotificationEnvelope', () => {
  it('reads a manifest push under a tag, from JSON text as the registry sends it', () => {
    const { events, ignored } = parseNotificationEnvelope(JSON.stringify({ events: [manifestPush()] }));
    expect(ignored).toBe(0);
    expect(events).toEqual([
      {
        id: 'e1',
        action: 'push',
        repository: 'busybox',
        tag: '1.0',
        digest: DIGEST,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        timestamp: '2026-11-30T09:00:00.123Z',
      },
    ]);
  });

  it('keeps manifest deletes (no media type) and skips pulls, blob pushes and mounts', () => {
    const { events, ignored } = parseNotificationEnvelope({
      events: [
        manifestPush({ action: 'pull' }),
        manifestPush({ target: { mediaType: 'application/octet-stream', digest: DIGEST, repository: 'busybox' } }),
        manifestPush({ action: 'mount' }),
        { id: 'd', action: 'delete', target: { digest: DIGEST, repository: 'team/web' } },
      ],
    });
    expect(ignored).toBe(3);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'delete', repository: 'team/web', digest: DIGEST, tag: undefined });
  });

  it('stamps an event without a timestamp with the receipt time', () => {
    const now = new Date('2026-11-30T10:00:00Z');
    const { events } = parseNotificationEnvelope({ events: [manifestPush({ timestamp: undefined })] }, now);
    expect(events[0].timestamp).toBe(now.toISOString());
  });

  it('accepts an empty envelope (the registry never sends one, a probe might)', () => {
    expect(parseNotificationEnvelope({ events: [] })).toEqual({ events: [], ignored: 0 });
  });

  it('names the field of a malformed envelope', () => {
    expect(invalid('{not json')).toMatch(/^body: not valid JSON/);
    expect(invalid([])).toMatch(/^body: must be a notification envelope/);
    expect(invalid({})).toBe('events: must be an array');
    expect(invalid({ events: {} })).toBe('events: must be an array');
    expect(invalid({ events: [manifestPush(), 3] })).toBe('events[1]: must be an object');
    expect(invalid({ events: [manifestPush({ action: 7 })] })).toBe('events[0].action: must be a non-empty string');
    expect(invalid({ events: [manifestPush({ target: null })] })).toBe('events[0].target: must be an object');
    expect(invalid({ events: [manifestPush({ target: { digest: DIGEST } })] })).toBe(
      'events[0].target.repository: must be a non-empty string',
    );
    expect(invalid({ events: [manifestPush({ target: { repository: 'x', digest: 'md5:1' } })] })).toMatch(
      /^events\[0\]\.target\.digest: must be sha256/,
    );
    expect(invalid({ events: [manifestPush({ target: { repository: 'x', tag: 1 } })] })).toBe('events[0].target.tag: must be a string');
    expect(invalid({ events: [manifestPush({ timestamp: 'yesterday' })] })).toBe('events[0].timestamp: must be an RFC 3339 time');
    expect(
      invalid({
        events: [manifestPush({ target: { repository: 'x', tag: '1', mediaType: 'application/vnd.oci.image.manifest.v1+json' } })],
      }),
    ).toBe('events[0].target.digest: a manifest push must name its digest');
  });
});
