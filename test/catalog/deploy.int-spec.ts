import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labDocker } from '../fixtures/docker';
import { eventually, labEnv, labImage } from '../fixtures/lab';
import { collectSse } from '../fixtures/sse';
import { ErrorBody, errorOf, Schemas } from '../fixtures/api-client';
import { suiteTestApp } from '../fixtures/test-app';

const PREFIX = 't-cat-';
jest.setTimeout(180_000);

describe('catalog and deploy on the lab', () => {
  const t = suiteTestApp(PREFIX);
  const docker = labDocker();

  const service = (name: string) => ({ params: { path: { name } } });

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
    // definitions go in as YAML text, comments and all, as an operator's file would
    const created = await t.api('/api/services', { method: 'POST', yaml: web(name, 18080) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name, status: 'not_deployed' });
    expect((await t.api('/api/services', { method: 'POST', yaml: web(name, 18080) })).status).toBe(409);

    const deployed = await t.client.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { wait: true, timeout: 90 } } });
    expect(deployed.response.status).toBe(200);
    expect(deployed.data).toMatchObject({ name, action: 'created' });
    expect(deployed.data!.convergence).toMatchObject({ outcome: 'converged', desired: 2, running: 2 });
    expect(new Set(deployed.data!.convergence!.replicas.map((r) => r.nodeHostname)).size).toBe(2);

    const spec: any = ((await docker.getService(name).inspect()) as any).Spec;
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(`${labImage()}@${deployed.data!.imageDigest}`);
    expect(spec.Mode.Replicated.Replicas).toBe(2);
    expect(spec.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18080, PublishMode: 'host' }]);
    expect(spec.TaskTemplate.ContainerSpec.Env.sort()).toEqual(['APP_MODE=production', 'LOG_LEVEL=info']);
    expect(spec.TaskTemplate.ContainerSpec.Labels).toEqual({ 'app.tier': 'front' });
    expect(spec.Labels).toMatchObject({ team: 'ops' });
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.platform.os == linux']);
    expect(spec.TaskTemplate.Resources).toMatchObject({
      Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 ** 2 },
      Reservations: { MemoryBytes: 16 * 1024 ** 2 },
    });
    expect(spec.UpdateConfig).toMatchObject({ Parallelism: 1, Delay: 1e9, Order: 'stop-first' });
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toMatchObject({ Interval: 5e9, Retries: 3 });

    const running = await docker.listTasks({ filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }) });
    expect(running.filter((x: any) => x.Status.State === 'running')).toHaveLength(2);

    // host-mode port answers on a node that runs a task
    const env = labEnv();
    const node = deployed.data!.convergence!.replicas[0].nodeHostname;
    const page = await eventually(async () => (await fetch(`http://${env[`LAB_IP_${node}`]}:18080/`)).text(), 20_000, 'the web page');
    expect(page).toContain('swarm orchestrator lab');

    // deploying an unchanged definition changes nothing
    const again = await t.client.POST('/api/services/{name}/deploy', service(name));
    expect(again.data!.action).toBe('unchanged');
    expect(((await docker.getService(name).inspect()) as any).Version.Index).toBe(
      ((await docker.getService(name).inspect()) as any).Version.Index,
    );

    const detail = await t.client.GET('/api/services/{name}', service(name));
    expect(detail.data).toMatchObject({ status: 'running', replicasRunning: 2 });
    expect(detail.data!.drift).toEqual([]);
    expect(detail.data!.yaml).toContain('# the web front, reviewed in git');
  });

  it('scales to 3 then 0 (file and swarm agree), stops, deploys again; history shows each step', async () => {
    const name = `${PREFIX}web`;
    const scaled = await t.client.POST('/api/services/{name}/scale', { ...service(name), body: { replicas: 3 } });
    expect(scaled.response.status).toBe(200);
    const file = readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8');
    expect(parse(file).deploy.replicas).toBe(3);
    expect(file).toContain('# the web front, reviewed in git');
    expect(((await docker.getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas).toBe(3);
    await eventually(
      async () => (await t.client.GET('/api/services/{name}', service(name))).data!.replicasRunning === 3,
      60_000,
      '3 running',
    );

    await t.client.POST('/api/services/{name}/scale', { ...service(name), body: { replicas: 0 } });
    expect(((await docker.getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas).toBe(0);
    expect((await t.client.POST('/api/services/{name}/deploy', service(name))).data!.action).toBe('unchanged');

    const stopped = await t.client.POST('/api/services/{name}/stop', service(name));
    expect(stopped.data).toEqual({ name, stopped: true });
    await expect(docker.getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await t.client.GET('/api/services')).data!.find((s) => s.name === name)!.status).toBe('not_deployed');

    await t.client.POST('/api/services/{name}/scale', { ...service(name), body: { replicas: 1 } });
    const redeployed = await t.client.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { wait: true } } });
    expect(redeployed.data).toMatchObject({ action: 'created', convergence: { outcome: 'converged', running: 1 } });

    const history = (await t.client.GET('/api/services/{name}/history', service(name))).data!;
    expect(history.map((h) => `${h.action}:${h.status}`)).toEqual([
      // newest first: redeploy, stop, unchanged deploy, scale 0, scale 3, unchanged deploy, first deploy
      // (scaling a stopped service only edits its file: no swarm change, no history entry)
      'deploy:succeeded',
      'stop:succeeded',
      'deploy:succeeded',
      'scale:succeeded',
      'scale:succeeded',
      'deploy:succeeded',
      'deploy:succeeded',
    ]);
    expect(history[2].message).toMatch(/^unchanged/);
    expect(history[0].imageDigest).toMatch(/^sha256:/);
  });

  it('follows logs as Server-Sent Events', async () => {
    const name = `${PREFIX}talk`;
    await t.client.POST('/api/services', {
      body: { name, image: labImage(), command: 'sh -c "echo started; while true; do echo beat; sleep 1; done"' },
    });
    await t.client.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { wait: true } } });
    const lines = await eventually(
      async () => {
        const r = await t.client.GET('/api/services/{name}/logs', { params: { path: { name }, query: { tail: 10 } } });
        return r.data?.some((l) => l.message === 'started') && r.data;
      },
      30_000,
      'the first lines',
    );
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
    await t.client.POST('/api/services/{name}/stop', service(name));
    const end = await following.waitFor((e) => e.event === 'end', 20_000, 'the end of the stream');
    expect(end.data).toEqual({ service: name, removed: true, reason: 'the service was removed from the swarm' });
    await following.stop();
  });

  it('shows a file edited on disk without a restart, and lists a broken file as invalid', async () => {
    writeFileSync(
      join(t.definitionsDir, `${PREFIX}disk.yaml`),
      `name: ${PREFIX}disk\nimage: ${labImage()}\ndescription: written by hand\n`,
    );
    writeFileSync(join(t.definitionsDir, `${PREFIX}broken.yaml`), `name: ${PREFIX}broken\nimage: [unclosed\n`);
    const list = await eventually(
      async () => {
        const l = (await t.client.GET('/api/services')).data!;
        return l.some((s) => s.name === `${PREFIX}disk`) && l;
      },
      5_000,
      'the new file',
    );
    expect(list.find((s) => s.name === `${PREFIX}disk`)).toMatchObject({ description: 'written by hand', status: 'not_deployed' });
    const broken = list.find((s) => s.name === `${PREFIX}broken`)!;
    expect(broken.status).toBe('invalid');
    expect(broken.error).toMatch(/YAML syntax/);
    expect(list.find((s) => s.name === `${PREFIX}web`)).toBeDefined();
    writeFileSync(join(t.definitionsDir, `${PREFIX}disk.yaml`), `name: ${PREFIX}disk\nimage: ${labImage()}\ndescription: edited\n`);
    await eventually(
      async () => (await t.client.GET('/api/services/{name}', service(`${PREFIX}disk`))).data?.description === 'edited',
      5_000,
      'the edit',
    );
  });

  it.each([
    ['a name that climbs out of the directory', { name: '../../etc/passwd', image: 'x' }, /name/],
    ['negative replicas', { name: `${PREFIX}bad`, image: 'busybox', deploy: { replicas: -1 } }, /deploy\.replicas: must be 0 or more/],
    [
      'replicas as a word',
      { name: `${PREFIX}bad`, image: 'busybox', deploy: { replicas: 'three' } },
      /deploy\.replicas: must be a number, got string/,
    ],
    ['an unknown key', { name: `${PREFIX}bad`, image: 'busybox', deploy: { foo: 1 } }, /deploy\.foo: unknown key/],
    ['a port out of range', { name: `${PREFIX}bad`, image: 'busybox', ports: ['99999:80'] }, /ports\[0\]: .*99999 must be 1-65535/],
    ['an image with spaces', { name: `${PREFIX}bad`, image: 'busy box:1' }, /image: must be an image reference/],
  ])('refuses %s with a 400 naming the field', async (_what, body, message) => {
    const res = await t.client.POST('/api/services', { body });
    expect(res.response.status).toBe(400);
    expect(errorOf(res).message).toMatch(message);
  });

  it('refuses a YAML alias bomb and a 10 MB body without writing anything', async () => {
    const bomb = ['name: t-cat-bomb', 'image: busybox', 'a: &a ["x","x","x","x","x","x","x","x","x"]']
      .concat(
        Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
        ),
      )
      .join('\n');
    const res = await t.api('/api/services', { method: 'POST', yaml: bomb });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).message).toMatch(/alias/i);
    const big = await t.api('/api/services', {
      method: 'POST',
      yaml: `name: t-cat-big\nimage: busybox\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).message).toMatch(/too large/i);
    expect((await t.client.GET('/api/services/{name}', service('t-cat-bomb'))).response.status).toBe(404);
    expect((await t.client.GET('/api/services/{name}', service('t-cat-big'))).response.status).toBe(404);
  });

  it('refuses, before touching the swarm, an image built for no architecture an eligible node has', async () => {
    const registry = labEnv().REGISTRY_URL;
    // an image whose config says arm64, pushed through the registry API
    const config = Buffer.from(
      JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }),
    );
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const upload = await fetch(`${registry}/v2/t-cat/armonly/blobs/uploads/`, { method: 'POST' });
    const location = new URL(upload.headers.get('location')!, registry);
    location.searchParams.set('digest', digest);
    expect((await fetch(location, { method: 'PUT', body: config, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(
      201,
    );
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
      layers: [],
    });
    expect(
      (
        await fetch(`${registry}/v2/t-cat/armonly/manifests/1.0`, {
          method: 'PUT',
          body: manifest,
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        })
      ).status,
    ).toBe(201);

    const name = `${PREFIX}arm`;
    const image = `${labEnv().LAB_REGISTRY}/t-cat/armonly:1.0`;
    await t.client.POST('/api/services', { body: { name, image, deploy: { placement: { constraints: ['node.labels.gpu != true'] } } } });
    const refused = await t.client.POST('/api/services/{name}/deploy', service(name));
    expect(refused.response.status).toBe(400);
    expect(errorOf(refused).message).toMatch(
      /built for arm64 only, but the nodes its constraints allow are mini2 \(amd64\), rog1 \(amd64\)/,
    );
    await expect(docker.getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await t.client.GET('/api/services/{name}/history', service(name))).data![0]).toMatchObject({
      action: 'deploy',
      status: 'failed',
    });

    // the GPU node stands in for aarch64 in the lab: there it is allowed
    await t.client.PUT('/api/services/{name}', {
      ...service(name),
      body: { name, image, deploy: { replicas: 0, placement: { constraints: ['node.labels.gpu == true'] } } },
    });
    expect((await t.client.POST('/api/services/{name}/deploy', service(name))).response.status).toBe(200);

    const missing = await t.client.POST('/api/services', {
      body: { name: `${PREFIX}ghost`, image: `${labEnv().LAB_REGISTRY}/t-cat/nothing:9` },
    });
    expect(missing.response.status).toBe(201);
    const ghost = await t.client.POST('/api/services/{name}/deploy', service(`${PREFIX}ghost`));
    expect(ghost.response.status).toBe(400);
    expect(errorOf(ghost).message).toMatch(/does not exist in the registry/);
  });

  it('refuses a published port another service holds, and deletes only with force while deployed', async () => {
    const name = `${PREFIX}clash`;
    await t.client.POST('/api/services', { body: { name, image: labImage(), ports: [{ target: 80, published: 18080, mode: 'host' }] } });
    const clash = await t.client.POST('/api/services/{name}/deploy', service(name));
    expect(clash.response.status).toBe(409);
    expect(errorOf(clash).message).toMatch(/18080\/tcp is already published by service "t-cat-web"/);

    const refused = await t.client.DELETE('/api/services/{name}', service(`${PREFIX}web`));
    expect(refused.response.status).toBe(409);
    expect(
      (await t.client.DELETE('/api/services/{name}', { params: { path: { name: `${PREFIX}web` }, query: { force: true } } })).response
        .status,
    ).toBe(204);
    await expect(docker.getService(`${PREFIX}web`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await t.client.GET('/api/services/{name}', service(`${PREFIX}web`))).response.status).toBe(404);
  });

  it('masks secret-looking environment values in answers, and an edit of the masked text keeps them', async () => {
    const name = `${PREFIX}secret`;
    const text = `name: ${name}\nimage: ${labImage()}\nenvironment:\n  DB_PASSWORD: s3cret-value\n  MODE: prod\n`;
    await t.api('/api/services', { method: 'POST', yaml: text });
    const detail = await t.client.GET('/api/services/{name}', service(name));
    expect(JSON.stringify(detail.data)).not.toContain('s3cret-value');
    expect(detail.data!.yaml).toContain('DB_PASSWORD: ********');
    const edited = detail.data!.yaml.replace('MODE: prod', 'MODE: test');
    expect((await t.api(`/api/services/${name}`, { method: 'PUT', yaml: edited })).status).toBe(200);
    const onDisk = readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8');
    expect(onDisk).toContain('DB_PASSWORD: s3cret-value');
    expect(onDisk).toContain('MODE: test');
  });

  it('imports a compose file: creates what it can, refuses the rest with reasons', async () => {
    const compose = `services:\n  ${PREFIX}imp-a:\n    image: ${labImage()}\n    deploy: { replicas: 2 }\n  ${PREFIX}imp-b:\n    image: ${labImage()}\n    build: .\n`;
    const res = await t.api('/api/services/import?split=true', { method: 'POST', yaml: compose });
    expect(res.status).toBe(201);
    const report = (await res.json()) as Schemas['ImportReportDto'];
    expect(report.created).toEqual([`${PREFIX}imp-a`]);
    expect(report.refused).toEqual([{ name: `${PREFIX}imp-b`, reason: expect.stringMatching(/build: unknown key/) }]);
  });
});
