import { validateDefinition } from '@app/catalog';
import type { LiveService, NodeSummary } from '@app/swarm';
import { deployVerdicts, firstRefusal } from './deploy-checks';

const node = (hostname: string, architecture: string, extra: Partial<NodeSummary> = {}): NodeSummary => ({
  id: hostname,
  hostname,
  role: 'worker',
  leader: false,
  availability: 'active',
  state: 'ready',
  architecture,
  cpus: 2,
  memoryBytes: 1e9,
  genericResources: [],
  labels: {},
  engineLabels: {},
  version: 1,
  ...extra,
});
const live = (name: string, published: number): LiveService => ({
  id: name,
  name,
  image: 'x',
  mode: 'replicated',
  replicasDesired: 1,
  replicasRunning: 1,
  labels: {},
  version: 1,
  ports: [{ published, target: 80, protocol: 'tcp', mode: 'ingress' }],
});
const nodes = [node('mini2', 'x86_64', { role: 'manager' }), node('spark1', 'aarch64')];
const web = (extra: object = {}) => validateDefinition({ name: 'web', image: 'r:5000/web:1', ports: ['8080:80'], ...extra });

describe('pre-deploy checks', () => {
  it('passes an image our registry has, for a platform an allowed node runs, on free ports', () => {
    const verdicts = deployVerdicts(web(), {
      resolved: { digest: 'sha256:a', platforms: ['arm64'] },
      registryHost: 'r:5000',
      nodes,
      live: [live('web', 8080)],
    });
    expect(verdicts.map((v) => [v.check, v.ok])).toEqual([
      ['image', true],
      ['placement', true],
      ['platform', true],
      ['ports', true],
    ]);
    expect(firstRefusal(verdicts)).toBeUndefined();
  });

  it('refuses an image the registry lacks, naming the registry', () => {
    const refusal = firstRefusal(deployVerdicts(web(), { resolved: null, registryHost: 'r:5000', nodes, live: [] }));
    expect([refusal?.code, refusal?.message]).toEqual(['INVALID', 'image: "r:5000/web:1" does not exist in the registry r:5000']);
  });

  it('refuses constraints no active node meets, and does not judge the platform then', () => {
    const verdicts = deployVerdicts(web({ deploy: { placement: { constraints: ['node.labels.gpu==true'] } } }), { nodes, live: [] });
    expect(firstRefusal(verdicts)?.message).toBe('deploy.placement.constraints: no active node matches ["node.labels.gpu==true"]');
    expect(verdicts.find((v) => v.check === 'platform')?.ok).toBe(true);
  });

  it('refuses an image built for no platform the allowed nodes run, listing them', () => {
    const def = web({ deploy: { placement: { constraints: ['node.role==manager'] } } });
    const refusal = firstRefusal(deployVerdicts(def, { resolved: { digest: 'sha256:a', platforms: ['arm64'] }, nodes, live: [] }));
    expect(refusal?.message).toBe('image: "r:5000/web:1" is built for arm64 only, but the nodes its constraints allow are mini2 (amd64)');
  });

  it('refuses a published port another service holds, as a CONFLICT naming it', () => {
    const refusal = firstRefusal(deployVerdicts(web(), { nodes, live: [live('shop', 8080)] }));
    expect([refusal?.code, refusal?.message]).toEqual(['CONFLICT', 'ports: 8080/tcp is already published by service "shop"']);
  });
});
