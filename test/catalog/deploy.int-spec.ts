import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labEnv, labImage } from '../fixtures/lab';
import { collectSse } from '../fixtures/sse';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-cat-';
jest.setTimeout(180_000);

const yamlHeaders = { 'content-type': 'application/yaml' };

describe('catalog and deploy on the lab', () => {
  let t: TestApp;
  const docker = labDocker();

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  const call = async (path: string, init?: Parameters<TestApp['api']>[1]) => {
    const res = await t.api(path, init);
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  };

  const web = (name: string, port: number) => `# the web front, reviewed in git
name: ${name}
description: a web app with a healthcheck
tags: [web, lab]
image: ${labImage()}
command: ["httpd", "-f", "-p", "80", "-h", "/www"]
environment:
  APP_MODE: production
  LOG_LEVEL: info
ports:
  - target: 80
    published: ${port}
    mode: host
labels:
  app.tier: front
healthcheck:
  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
  interval: 5s
  timeout: 3s
  retries: 3
deploy:
  replicas: 2  # two is enough for the lab
  labels:
    team: ops
  placement:
    constraints: [node.platform.os == linux]
    preferences:
      - spread: node.labels.lab.node
  resources:
    limits: { cpus: "0.5", memory: 64M }
    reservations: { memory: 16M }
  update_config:
    parallelism: 1
    delay: 1s
    order: stop-first
  restart_policy:
    condition: on-failure
    max_attempts: 3
`;

  it('registers, deploys with wait, and the swarm runs exactly what the file says', async () => {
    const name = `${PREFIX}web`;
    const created = await call('/api/services', { method: 'POST', body: web(name, 18080), headers: yamlHeaders });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, status: 'not_deployed' });
    expect((await call('/api/services', { method: 'POST', body: web(name, 18080), headers: yamlHeaders })).status).toBe(409);

    const deployed = await call(`/api/services/${name}/deploy?wait=true&timeout=90`, { method: 'POST' });
    expect(deployed.status).toBe(200);
    expect(deployed.body).toMatchObject({ name, action: 'created' });
    expect(deployed.body.convergence).toMatchObject({ outcome: 'converged', desired: 2, running: 2 });
    expect(new Set(deployed.body.convergence.replicas.map((r: any) => r.nodeHostname)).size).toBe(2);

    const spec: any = ((await docker.getService(name).inspect()) as any).Spec;
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(`${labImage()}@${deployed.body.imageDigest}`);
    expect(spec.Mode.Replicated.Replicas).toBe(2);
    expect(spec.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18080, PublishMode: 'host' }]);
    expect(spec.TaskTemplate.ContainerSpec.Env.sort()).toEqual(['APP_MODE=production', 'LOG_LEVEL=info']);
    expect(spec.TaskTemplate.ContainerSpec.Labels).toEqual({ 'app.tier': 'front' });
    expect(spec.Labels).toMatchObject({ team: 'ops' });
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.platform.os == linux']);
    expect(spec.TaskTemplate.Resources).toMatchObject({ Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 ** 2 }, Reservations: { MemoryBytes: 16 * 1024 ** 2 } });
    expect(spec.UpdateConfig).toMatchObject({ Parallelism: 1, Delay: 1e9, Order: 'stop-first' });
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toMatchObject({ Interval: 5e9, Retries: 3 });

    const running = await docker.listTasks({ filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }) });
    expect(running.filter((x: any) => x.Status.State === 'running')).toHaveLength(2);

    // host-mode port answers on a node that runs a task
    const env = labEnv();
    const node = deployed.body.convergence.replicas[0].nodeHostname;
    const page = await eventually(async () => (await fetch(`http://${env[`LAB_IP_${node}`]}:18080/`)).text(), 20_000, 'the web page');
    expect(page).toContain('swarm orchestrator lab');

    // deploying an unchanged definition changes nothing
    const again = await call(`/api/services/${name}/deploy`, { method: 'POST' });
    expect(again.body.action).toBe('unchanged');
    expect(((await docker.getService(name).inspect()) as any).Version.Index).toBe(((await docker.getService(name).inspect()) as any).Version.Index);

    const detail = await call(`/api/services/${name}`);
    expect(detail.body).toMatchObject({ status: 'running', replicasRunning: 2 });
    expect(detail.body.drift).toEqual([]);
    expect(detail.body.yaml).toContain('# the web front, reviewed in git');
  });

  it('scales to 3 then 0 (file and swarm agree), stops, deploys again; history shows each step', async () => {
    const name = `${PREFIX}web`;
    const scaled = await call(`/api/services/${name}/scale`, { method: 'POST', json: { replicas: 3 } });
    expect(scaled.status).toBe(200);
    const file = readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8');
    expect(parse(file).deploy.replicas).toBe(3);
    expect(file).toContain('# the web front, reviewed in git');
    expect(((await docker.getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas).toBe(3);
    await eventually(async () => (await call(`/api/services/${name}`)).body.replicasRunning === 3, 60_000, '3 running');

    await call(`/api/services/${name}/scale`, { method: 'POST', json: { replicas: 0 } });
    expect(((await docker.getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas).toBe(0);
    expect((await call(`/api/services/${name}/deploy`, { method: 'POST' })).body.action).toBe('unchanged');

    const stopped = await call(`/api/services/${name}/stop`, { method: 'POST' });
    expect(stopped.body).toEqual({ name, stopped: true });
    await expect(docker.getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await call('/api/services')).body.find((s: any) => s.name === name).status).toBe('not_deployed');

    await call(`/api/services/${name}/scale`, { method: 'POST', json: { replicas: 1 } });
    const redeployed = await call(`/api/services/${name}/deploy?wait=true`, { method: 'POST' });
    expect(redeployed.body).toMatchObject({ action: 'created', convergence: { outcome: 'converged', running: 1 } });

    const history = (await call(`/api/services/${name}/history`)).body;
    expect(history.map((h: any) => `${h.action}:${h.status}`)).toEqual([
      // newest first: redeploy, stop, unchanged deploy, scale 0, scale 3, unchanged deploy, first deploy
      // (scaling a stopped service only edits its file: no swarm change, no history entry)
      'deploy:succeeded', 'stop:succeeded', 'deploy:succeeded', 'scale:succeeded', 'scale:succeeded', 'deploy:succeeded', 'deploy:succeeded',
    ]);
    expect(history[2].message).toMatch(/^unchanged/);
    expect(history[0].imageDigest).toMatch(/^sha256:/);
  });

  it('follows logs as Server-Sent Events', async () => {
    const name = `${PREFIX}talk`;
    await call('/api/services', { method: 'POST', json: { name, image: labImage(), command: 'sh -c "echo started; while true; do echo beat; sleep 1; done"' } });
    await call(`/api/services/${name}/deploy?wait=true`, { method: 'POST' });
    const lines = await eventually(async () => {
      const r = await call(`/api/services/${name}/logs?tail=10`);
      return r.body.some?.((l: any) => l.message === 'started') && r.body;
    }, 30_000, 'the first lines');
    expect(lines[0]).toMatchObject({ stream: 'stdout', taskSlot: 1 });

    const res = await t.api(`/api/services/${name}/logs?follow=true&tail=0`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: line/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('"message":"beat"');

    // the Engine keeps a removed service's log stream open: ours ends, saying why, so the page stops following
    const following = collectSse(await t.api(`/api/services/${name}/logs?follow=true&tail=0`));
    await following.waitFor((e) => e.event === 'line', 15_000, 'a line');
    await call(`/api/services/${name}/stop`, { method: 'POST' });
    const end = await following.waitFor((e) => e.event === 'end', 20_000, 'the end of the stream');
    expect(end.data).toEqual({ service: name, removed: true, reason: 'the service was removed from the swarm' });
    await following.stop();
  });

  it('shows a file edited on disk without a restart, and lists a broken file as invalid', async () => {
    writeFileSync(join(t.definitionsDir, `${PREFIX}disk.yaml`), `name: ${PREFIX}disk\nimage: ${labImage()}\ndescription: written by hand\n`);
    writeFileSync(join(t.definitionsDir, `${PREFIX}broken.yaml`), `name: ${PREFIX}broken\nimage: [unclosed\n`);
    const list = await eventually(async () => {
      const l = (await call('/api/services')).body;
      return l.some((s: any) => s.name === `${PREFIX}disk`) && l;
    }, 5_000, 'the new file');
    expect(list.find((s: any) => s.name === `${PREFIX}disk`)).toMatchObject({ description: 'written by hand', status: 'not_deployed' });
    const broken = list.find((s: any) => s.name === `${PREFIX}broken`);
    expect(broken.status).toBe('invalid');
    expect(broken.error).toMatch(/YAML syntax/);
    expect(list.find((s: any) => s.name === `${PREFIX}web`)).toBeDefined();
    writeFileSync(join(t.definitionsDir, `${PREFIX}disk.yaml`), `name: ${PREFIX}disk\nimage: ${labImage()}\ndescription: edited\n`);
    await eventually(async () => (await call(`/api/services/${PREFIX}disk`)).body.description === 'edited', 5_000, 'the edit');
  });

  it.each([
    ['a name that climbs out of the directory', { name: '../../etc/passwd', image: 'x' }, /name/],
    ['negative replicas', { name: `${PREFIX}bad`, image: 'busybox', deploy: { replicas: -1 } }, /deploy\.replicas: must be 0 or more/],
    ['replicas as a word', { name: `${PREFIX}bad`, image: 'busybox', deploy: { replicas: 'three' } }, /deploy\.replicas: must be a number, got string/],
    ['an unknown key', { name: `${PREFIX}bad`, image: 'busybox', deploy: { foo: 1 } }, /deploy\.foo: unknown key/],
    ['a port out of range', { name: `${PREFIX}bad`, image: 'busybox', ports: ['99999:80'] }, /ports\[0\]: .*99999 must be 1-65535/],
    ['an image with spaces', { name: `${PREFIX}bad`, image: 'busy box:1' }, /image: must be an image reference/],
  ])('refuses %s with a 400 naming the field', async (_what, body, message) => {
    const res = await call('/api/services', { method: 'POST', json: body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('refuses a YAML alias bomb and a 10 MB body without writing anything', async () => {
    const bomb = ['name: t-cat-bomb', 'image: busybox', 'a: &a ["x","x","x","x","x","x","x","x","x"]']
      .concat(Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`))
      .join('\n');
    const res = await call('/api/services', { method: 'POST', body: bomb, headers: yamlHeaders });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/alias/i);
    const big = await call('/api/services', { method: 'POST', body: `name: t-cat-big\nimage: busybox\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`, headers: yamlHeaders });
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/too large/i);
    expect((await call('/api/services/t-cat-bomb')).status).toBe(404);
    expect((await call('/api/services/t-cat-big')).status).toBe(404);
  });

  it('refuses, before touching the swarm, an image built for no architecture an eligible node has', async () => {
    const registry = labEnv().REGISTRY_URL;
    // an image whose config says arm64, pushed through the registry API
    const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const upload = await fetch(`${registry}/v2/t-cat/armonly/blobs/uploads/`, { method: 'POST' });
    const location = new URL(upload.headers.get('location')!, registry);
    location.searchParams.set('digest', digest);
    expect((await fetch(location, { method: 'PUT', body: config, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(201);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length }, layers: [] });
    expect((await fetch(`${registry}/v2/t-cat/armonly/manifests/1.0`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(201);

    const name = `${PREFIX}arm`;
    const image = `${labEnv().LAB_REGISTRY}/t-cat/armonly:1.0`;
    await call('/api/services', { method: 'POST', json: { name, image, deploy: { placement: { constraints: ['node.labels.gpu != true'] } } } });
    const refused = await call(`/api/services/${name}/deploy`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/built for arm64 only, but the nodes its constraints allow are mini2 \(amd64\), rog1 \(amd64\)/);
    await expect(docker.getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await call(`/api/services/${name}/history`)).body[0]).toMatchObject({ action: 'deploy', status: 'failed' });

    // the GPU node stands in for aarch64 in the lab: there it is allowed
    await call(`/api/services/${name}`, { method: 'PUT', json: { name, image, deploy: { replicas: 0, placement: { constraints: ['node.labels.gpu == true'] } } } });
    expect((await call(`/api/services/${name}/deploy`, { method: 'POST' })).status).toBe(200);

    const missing = await call('/api/services', { method: 'POST', json: { name: `${PREFIX}ghost`, image: `${labEnv().LAB_REGISTRY}/t-cat/nothing:9` } });
    expect(missing.status).toBe(201);
    const ghost = await call(`/api/services/${PREFIX}ghost/deploy`, { method: 'POST' });
    expect(ghost.status).toBe(400);
    expect(ghost.body.message).toMatch(/does not exist in the registry/);
  });

  it('refuses a published port another service holds, and deletes only with force while deployed', async () => {
    const name = `${PREFIX}clash`;
    await call('/api/services', { method: 'POST', json: { name, image: labImage(), ports: [{ target: 80, published: 18080, mode: 'host' }] } });
    const clash = await call(`/api/services/${name}/deploy`, { method: 'POST' });
    expect(clash.status).toBe(409);
    expect(clash.body.message).toMatch(/18080\/tcp is already published by service "t-cat-web"/);

    const refused = await call(`/api/services/${PREFIX}web`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await call(`/api/services/${PREFIX}web?force=true`, { method: 'DELETE' })).status).toBe(204);
    await expect(docker.getService(`${PREFIX}web`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await call(`/api/services/${PREFIX}web`)).status).toBe(404);
  });

  it('masks secret-looking environment values in answers, and an edit of the masked text keeps them', async () => {
    const name = `${PREFIX}secret`;
    const text = `name: ${name}\nimage: ${labImage()}\nenvironment:\n  DB_PASSWORD: s3cret-value\n  MODE: prod\n`;
    await call('/api/services', { method: 'POST', body: text, headers: yamlHeaders });
    const detail = await call(`/api/services/${name}`);
    expect(JSON.stringify(detail.body)).not.toContain('s3cret-value');
    expect(detail.body.yaml).toContain('DB_PASSWORD: ********');
    const edited = detail.body.yaml.replace('MODE: prod', 'MODE: test');
    expect((await call(`/api/services/${name}`, { method: 'PUT', body: edited, headers: yamlHeaders })).status).toBe(200);
    const onDisk = readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8');
    expect(onDisk).toContain('DB_PASSWORD: s3cret-value');
    expect(onDisk).toContain('MODE: test');
  });

  it('imports a compose file: creates what it can, refuses the rest with reasons', async () => {
    const compose = `services:\n  ${PREFIX}imp-a:\n    image: ${labImage()}\n    deploy: { replicas: 2 }\n  ${PREFIX}imp-b:\n    image: ${labImage()}\n    build: .\n`;
    const res = await call('/api/services/import?split=true', { method: 'POST', body: compose, headers: yamlHeaders });
    expect(res.status).toBe(201);
    expect(res.body.created).toEqual([`${PREFIX}imp-a`]);
    expect(res.body.refused).toEqual([{ name: `${PREFIX}imp-b`, reason: expect.stringMatching(/build: unknown key/) }]);
  });
});
