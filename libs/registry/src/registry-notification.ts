import { DomainError } from '@app/common';

/** The media type a Registry v2 sends its notification envelopes with. */
export const NOTIFICATION_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

const MANIFEST_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

/** One push or delete the registry reported; pulls, mounts and blob uploads are left out. */
export interface RegistryEvent {
  id: string;
  action: 'push' | 'delete';
  repository: string;
  /** Set for a manifest pushed (or deleted) under a tag. */
  tag?: string;
  digest?: string;
  mediaType?: string;
  /** When the registry saw it (RFC 3339); the receipt time when the registry gave none. */
  timestamp: string;
}

export interface ParsedEnvelope {
  events: RegistryEvent[];
  /** Events of the envelope that are not a manifest push or delete (pulls, blobs, mounts). */
  ignored: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a notification envelope (`{ events: [...] }`), as a JSON string or an
 * already parsed body. A malformed envelope is an INVALID error naming the
 * field (`events[2].target.repository: must be a string`); events that are
 * not about manifests are counted and skipped.
 */
export function parseNotificationEnvelope(body: unknown, now = new Date()): ParsedEnvelope {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(String(body));
    } catch {
      throw new DomainError('INVALID', 'body: not valid JSON (expected a notification envelope { "events": [...] })');
    }
  }
  if (!isObject(value)) throw new DomainError('INVALID', 'body: must be a notification envelope object { "events": [...] }');
  if (!Array.isArray(value.events)) throw new DomainError('INVALID', 'events: must be an array');
  const out: RegistryEvent[] = [];
  let ignored = 0;
  value.events.forEach((e: unknown, i: number) => {
    const at = `events[${i}]`;
    if (!isObject(e)) throw new DomainError('INVALID', `${at}: must be an object`);
    if (typeof e.action !== 'string' || !e.action) throw new DomainError('INVALID', `${at}.action: must be a non-empty string`);
    if (!isObject(e.target)) throw new DomainError('INVALID', `${at}.target: must be an object`);
    const t = e.target;
    if (typeof t.repository !== 'string' || !t.repository)
      throw new DomainError('INVALID', `${at}.target.repository: must be a non-empty string`);
    for (const key of ['digest', 'tag', 'mediaType'] as const) {
      if (t[key] !== undefined && typeof t[key] !== 'string') throw new DomainError('INVALID', `${at}.target.${key}: must be a string`);
    }
    if (typeof t.digest === 'string' && !/^sha256:[a-f0-9]{64}$/.test(t.digest))
      throw new DomainError('INVALID', `${at}.target.digest: must be sha256:<64 hex digits>`);
    if (e.timestamp !== undefined && (typeof e.timestamp !== 'string' || Number.isNaN(Date.parse(e.timestamp)))) {
      throw new DomainError('INVALID', `${at}.timestamp: must be an RFC 3339 time`);
    }
    const mediaType = t.mediaType as string | undefined;
    const isManifest = mediaType === undefined ? e.action === 'delete' : MANIFEST_TYPES.has(mediaType);
    if ((e.action !== 'push' && e.action !== 'delete') || !isManifest) {
      ignored++;
      return;
    }
    if (e.action === 'push' && typeof t.digest !== 'string')
      throw new DomainError('INVALID', `${at}.target.digest: a manifest push must name its digest`);
    out.push({
      id: typeof e.id === 'string' ? e.id : `${at}@${now.toISOString()}`,
      action: e.action,
      repository: t.repository,
      tag: (t.tag as string | undefined) || undefined,
      digest: t.digest as string | undefined,
      mediaType,
      timestamp: typeof e.timestamp === 'string' ? new Date(e.timestamp).toISOString() : now.toISOString(),
    });
  });
  return { events: out, ignored };
}
