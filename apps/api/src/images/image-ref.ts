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

/** The tag an image update check follows, or why there is none to follow. */
export type FollowedTag = { repository: string; tag: string } | { reason: string };

/**
 * The repository and tag of a reference on the configured registry, or why
 * it cannot be followed: a digest in the reference pins it (`repo@sha256:…`,
 * also `repo:1.4@sha256:…`: what the definition asks for is that digest), or
 * it names another registry. Without a tag a reference means `latest`, as
 * Docker reads it.
 */
export function tagToFollow(reference: string, host: string | undefined): FollowedTag {
  const [name, pinned] = reference.split('@');
  if (pinned) return { reason: `pinned by digest (${shortDigest(pinned)}): not followed` };
  if (!host) return { reason: 'no registry is configured (REGISTRY_URL): not followed' };
  if (!name.startsWith(`${host}/`)) return { reason: `on another registry (${registryOf(name)}): not followed; only ${host} is` };
  return splitImageRef(name, host)!;
}

/**
 * What a live service follows: its image (the digest split off, as the swarm
 * lists it) with the digest the deploy pinned. No tag but a digest: pinned by
 * digest; no digest at all: the swarm resolves the tag by itself at each task
 * start, so there is no "running digest" to compare.
 */
export function followedTag(image: string, digest: string | undefined, host: string | undefined): FollowedTag {
  const name = image.split('@')[0];
  const slash = name.lastIndexOf('/');
  if (digest && name.lastIndexOf(':') <= slash) return { reason: `pinned by digest (${shortDigest(digest)}): not followed` };
  const ref = tagToFollow(name, host);
  if ('reason' in ref || digest) return ref;
  return { reason: 'deployed without a pinned digest (the swarm resolves the tag at each task start): not followed' };
}

/** The registry a reference names, as Docker reads it: a first part with a dot, a colon or `localhost`, else Docker Hub. */
function registryOf(name: string): string {
  const first = name.split('/')[0];
  return name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}
