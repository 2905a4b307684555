/** `host:port/team/web:1.4` (digest already split off) → repository and tag on the configured registry host, or undefined. */
export function splitImageRef(image: string, host: string | undefined): { repository: string; tag: string } | undefined {
  if (!host || !image.startsWith(`${host}/`)) return undefined;
  const rest = image.slice(host.length + 1).split('@')[0];
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  return { repository: rest, tag: 'latest' };
}

/** sha256:0123456789ab… → 0123456789ab, as the CLI shortens ids. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
