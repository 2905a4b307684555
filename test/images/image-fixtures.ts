import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pushBlob, pushManifest } from '../fixtures/registry';
import { labEnv } from '../fixtures/lab';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const ACCEPT = [DOCKER_MANIFEST, 'application/vnd.oci.image.manifest.v1+json'].join(', ');

/** Points the lab registry's notifications at `url` (or turns them off), restarting the registry. */
export function labNotify(url: string | 'off', secret = ''): void {
  const env = labEnv();
  const net = /^10\.99\.(\d+)\./.exec(env.LAB_IP_mini2 ?? '')?.[1] ?? '0';
  execFileSync('bash', [join(__dirname, '../../scripts/lab.sh'), 'notify', url, ...(url === 'off' ? [] : [secret])], {
    env: { ...process.env, LAB_DIR: env.LAB_DIR ?? '/tmp/solab', LAB_NET: net },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface RawManifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

export async function getManifest(registryUrl: string, repo: string, ref: string): Promise<RawManifest> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } });
  if (!res.ok) throw new Error(`manifest ${repo}:${ref}: ${res.status}`);
  return {
    body: Buffer.from(await res.arrayBuffer()),
    mediaType: res.headers.get('content-type')!,
    digest: res.headers.get('docker-content-digest')!,
  };
}

/** Puts manifest bytes back under a tag (same bytes, same digest). */
export async function putManifest(registryUrl: string, repo: string, tag: string, m: RawManifest): Promise<void> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: m.body,
    headers: { 'content-type': m.mediaType },
  });
  if (res.status !== 201) throw new Error(`manifest put ${repo}:${tag}: ${res.status}`);
}

/**
 * A new image under `repo:tag` built from `base` (same layers, the base's
 * config changed by `edit`), through the registry API alone: no docker
 * build, no Docker Hub. Resolves once the manifest PUT is answered (the push's
 * last byte), with the new digest.
 */
export async function pushVariant(
  registryUrl: string,
  base: RawManifest,
  baseRepo: string,
  repo: string,
  tag: string,
  edit: (config: Record<string, any>) => void,
): Promise<{ digest: string; pushedAt: number }> {
  const manifest = JSON.parse(base.body.toString()) as { config: { digest: string; mediaType: string }; layers: Array<{ digest: string }> };
  const configRes = await fetch(`${registryUrl}/v2/${baseRepo}/blobs/${manifest.config.digest}`);
  const config = (await configRes.json()) as Record<string, any>;
  edit(config);
  if (repo !== baseRepo) {
    for (const l of manifest.layers) {
      const mount = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/?mount=${l.digest}&from=${baseRepo}`, { method: 'POST' });
      if (mount.status !== 201) throw new Error(`blob mount ${l.digest} into ${repo}: ${mount.status}`);
    }
  }
  const blob = await pushBlob(registryUrl, repo, Buffer.from(JSON.stringify(config)), manifest.config.mediaType);
  const pushed = await pushManifest(registryUrl, repo, tag, { ...manifest, config: blob }, base.mediaType);
  return { digest: pushed.digest, pushedAt: Date.now() };
}

/** A variant differing only by a label: runs like the base. */
export const relabel = (value: string) => (c: Record<string, any>) => {
  c.config = { ...c.config, Labels: { ...(c.config?.Labels ?? {}), 'so.test.variant': value } };
};

/** A variant whose entrypoint exits 1 at once: every task crash-loops. */
export const crashing = (c: Record<string, any>) => {
  c.config = { ...c.config, Entrypoint: ['/bin/false'], Labels: { ...(c.config?.Labels ?? {}), 'so.test.variant': `crash-${Date.now()}` } };
};
