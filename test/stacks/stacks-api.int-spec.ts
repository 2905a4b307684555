import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dockerCli, labDocker } from '../fixtures/docker';
import { eventually, labEnv } from '../fixtures/lab';
import {
  publicStackInput,
  publicStackNames,
  removeStack as stackGone,
  stackFilter,
  stackObjectCount as namespaceObjects,
} from '../fixtures/stack-lab';
import { collectSse } from '../fixtures/sse';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../fixtures/test-app';

jest.setTimeout(900_000);

/*
 * The stacks API on the lab, through REST only: a stack with networks, a
 * config and a secret from its files and a variable is created, deployed and
 * stopped; the docker CLI sees it, and a stack the CLI made shows in the API;
 * merged logs; every kind of bad input refused naming the key with nothing
 * written or deployed; and the public stack files' lab copies deployed.
 */

const env = () => labEnv();
const docker = labDocker();
const cli = (args: string[], cwd?: string): string => dockerCli(args, { cwd });
const STACKS = ['apit', 'apicli', 'apibad', 'pubstack', 'apimcp'];

const COMPOSE = `# a stack of two services on two networks
services:
  web:
    image: \${IMAGE}
    command: ["sh", "-c", "echo web ready; while true; do echo web beat \${GREETING}; sleep 1; done"]
    networks: [front, back]
    environment:
      GREETING: \${GREETING:-hello}
      API_TOKEN: \${API_TOKEN}
      DB_PASSWORD_FILE: /run/secrets/db_password
    configs:
      - source: site
        target: /etc/site.conf
    secrets: [db_password]
    stop_grace_period: 1s
    deploy:
      replicas: 2
  worker:
    image: \${IMAGE}
    command: ["sh", "-c", "echo worker ready; while true; do echo worker tick $$HOSTNAME; sleep 1; done"]
    networks: [back]
    depends_on: [web]
    stop_grace_period: 1s
networks:
  front:
  back:
configs:
  site:
    file: ./site/site.conf
secrets:
  db_password:
    file: ./secrets/db_password.txt
`;

describe('stacks API on the lab', () => {
  let t: TestApp;
  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const res = await t.api(path, init);
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  };

  beforeAll(async () => {
    for (const s of STACKS) await stackGone(s);
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const s of STACKS) await stackGone(s).catch(() => undefined);
    await t?.close();
  });

  it('creates and deploys a stack with networks, a config and a secret from its files and variables; the CLI lists it; stop removes the namespace and keeps the definition', async () => {
    const created = await call('/api/stacks', {
      method: 'POST',
      json: {
        name: 'apit',
        compose: COMPOSE,
        variables: { IMAGE: env().LAB_IMAGE, GREETING: 'bonjour', API_TOKEN: 'tok-s3cret' },
        files: { 'site/site.conf': 'listen 80\n', 'secrets/db_password.txt': 'pw-s3cret\n' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'apit', inCatalog: true, deployed: false, services: 2, status: 'not_deployed' });
    // secrets never leave the server: the token variable and the secret file are masked
    expect(created.body.variables).toEqual({ IMAGE: env().LAB_IMAGE, GREETING: 'bonjour', API_TOKEN: '********' });
    expect(created.body.files).toEqual({ 'site/site.conf': 'listen 80\n', 'secrets/db_password.txt': '********' });
    expect(JSON.stringify(created.body)).not.toMatch(/s3cret/);
    expect(created.body.warnings.join('\n')).toMatch(/depends_on/);
    expect(created.body.networks.map((n: any) => n.name).sort()).toEqual(['apit_back', 'apit_front']);
    expect(readFileSync(join(t.definitionsDir, 'stacks/apit/secrets/db_password.txt'), 'utf8')).toBe('pw-s3cret\n');

    // the same name again: 409, nothing changed
    expect((await call('/api/stacks', { method: 'POST', json: { name: 'apit', compose: 'services: {}\n' } })).status).toBe(409);

    // deploy with progress as Server-Sent Events, service by service, then the result
    const res = await t.api('/api/stacks/apit/deploy?wait=true&timeout=120', { method: 'POST', headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    const sse = collectSse(res);
    const result = await sse.waitFor((e) => e.event === 'result', 150_000, 'result');
    await sse.stop();
    const kinds = sse.events.map((e) => e.event);
    expect(kinds).toEqual(expect.arrayContaining(['network', 'config', 'secret', 'service', 'progress', 'converged', 'result']));
    expect(
      sse.events
        .filter((e) => e.event === 'service')
        .map((e) => e.data.name)
        .sort(),
    ).toEqual(['apit_web', 'apit_worker']);
    expect(result.data.convergence.outcome).toBe('converged');
    expect(result.data.createdNetworks.sort()).toEqual(['apit_back', 'apit_front']);
    expect(result.data.warnings.join('\n')).toMatch(/depends_on/);

    // the CLI sees the stack the product deployed
    expect(cli(['stack', 'ls', '--format', '{{.Name}} {{.Services}}']).split('\n')).toContain('apit 2');
    const env0 = ((await docker.getService('apit_web').inspect()) as any).Spec.TaskTemplate.ContainerSpec.Env as string[];
    expect(env0).toEqual(expect.arrayContaining(['GREETING=bonjour', 'API_TOKEN=tok-s3cret', 'DB_PASSWORD_FILE=/run/secrets/db_password']));

    const detail = await call('/api/stacks/apit');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'running', deployed: true, servicesDeployed: 2, replicasRunning: 3, replicasDesired: 3 });
    expect(detail.body.serviceList.map((s: any) => [s.key, s.status, s.replicasRunning])).toEqual([
      ['web', 'running', 2],
      ['worker', 'running', 1],
    ]);
    expect(detail.body.tasks.filter((x: any) => x.state === 'running').length).toBe(3);
    expect(detail.body.drift).toEqual([
      { service: 'web', missing: false, differences: [] },
      { service: 'worker', missing: false, differences: [] },
    ]);
    expect(detail.body.networks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'apit_back', external: false, services: ['web', 'worker'] })]),
    );

    const list = await call('/api/stacks');
    expect(list.body).toContainEqual(
      expect.objectContaining({ name: 'apit', inCatalog: true, deployed: true, services: 2, status: 'running' }),
    );

    // merged logs: lines of both services, each with its service, and the text filter
    const logs = await eventually(
      async () => {
        const r = await call('/api/stacks/apit/logs?tail=20');
        const services = new Set((r.body as any[]).map((l) => l.service));
        return services.has('web') && services.has('worker') ? r.body : undefined;
      },
      30_000,
      'lines from both services',
    );
    expect(logs.find((l: any) => l.service === 'web')).toMatchObject({
      message: expect.stringMatching(/^web /),
      nodeHostname: expect.stringMatching(/^(mini2|rog1|spark1)$/),
      taskSlot: expect.any(Number),
    });
    const filtered = await call('/api/stacks/apit/logs?tail=50&q=WORKER%20TICK');
    expect(filtered.body.length).toBeGreaterThan(0);
    expect(filtered.body.every((l: any) => l.service === 'worker' && /worker tick/.test(l.message))).toBe(true);
    const followed = await t.api('/api/stacks/apit/logs?follow=true&tail=0&q=beat');
    const stream = collectSse(followed);
    const line = await stream.waitFor((e) => e.event === 'line', 20_000, 'a followed line');
    await stream.stop();
    expect(line.data).toMatchObject({ service: 'web', message: 'web beat bonjour' });

    // an edit that sends the masks back keeps the stored secret values
    const edited = await call('/api/stacks/apit', {
      method: 'PUT',
      json: { compose: detail.body.compose, variables: { ...detail.body.variables, GREETING: 'hallo' }, files: detail.body.files },
    });
    expect(edited.status).toBe(200);
    expect(parse(readFileSync(join(t.definitionsDir, 'stacks/apit/variables.yaml'), 'utf8'))).toEqual({
      IMAGE: env().LAB_IMAGE,
      GREETING: 'hallo',
      API_TOKEN: 'tok-s3cret',
    });
    expect(readFileSync(join(t.definitionsDir, 'stacks/apit/secrets/db_password.txt'), 'utf8')).toBe('pw-s3cret\n');
    // the file changed, the swarm did not: drift names the variable's field
    const drifted = await call('/api/stacks/apit');
    expect(drifted.body.drift.find((d: any) => d.service === 'web').differences.map((d: any) => d.path)).toContain(
      'TaskTemplate.ContainerSpec.Env',
    );

    // stop as docker stack rm: services, networks, configs and secrets of the namespace go; the definition stays
    const stopped = await call('/api/stacks/apit/stop', { method: 'POST' });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ name: 'apit', stopped: true, networks: expect.arrayContaining(['apit_front', 'apit_back']) });
    expect(stopped.body.services.sort()).toEqual(['apit_web', 'apit_worker']);
    expect(stopped.body.configs).toHaveLength(1);
    expect(stopped.body.secrets).toHaveLength(1);
    await eventually(async () => (await namespaceObjects('apit')) === 0, 60_000, 'namespace apit empty');
    const after = await call('/api/stacks/apit');
    expect(after.body).toMatchObject({ inCatalog: true, deployed: false, status: 'not_deployed' });
    expect(existsSync(join(t.definitionsDir, 'stacks/apit/compose.yaml'))).toBe(true);
    // a second stop has nothing to do
    expect((await call('/api/stacks/apit/stop', { method: 'POST' })).body).toMatchObject({ stopped: false });

    // the history, under stack:apit, names who asked
    const history = await call('/api/stacks/apit/history');
    expect(history.body.map((h: any) => [h.action, h.status])).toEqual([
      ['stop', 'succeeded'],
      ['deploy', 'succeeded'],
    ]);
    expect(history.body[0].actor).toMatch(/\(admin, REST\)$/);
    const serviceHistory = await call('/api/services/apit/history');
    expect(serviceHistory.status).toBe(404);

    // deleting the definition
    expect((await call('/api/stacks/apit', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/api/stacks/apit')).status).toBe(404);
  });

  it('a stack made by docker stack deploy appears in GET /api/stacks, with its services', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apicli-'));
    writeFileSync(
      join(dir, 'stack.yml'),
      `services:\n  one:\n    image: ${env().LAB_IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n  two:\n    image: ${env().LAB_IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`,
    );
    cli(['stack', 'deploy', '--detach=true', '-c', 'stack.yml', 'apicli'], dir);
    const listed = await eventually(
      async () => {
        const r = await call('/api/stacks');
        return (r.body as any[]).find((s) => s.name === 'apicli' && s.replicasRunning === 2);
      },
      60_000,
      'apicli listed and running',
    );
    expect(listed).toMatchObject({ inCatalog: false, deployed: true, services: 2, servicesDeployed: 2, status: 'running' });
    const detail = await call('/api/stacks/apicli');
    expect(detail.body.serviceList.map((s: any) => [s.key, s.inFile, s.deployed])).toEqual([
      ['one', false, true],
      ['two', false, true],
    ]);
    expect(detail.body.compose).toBeUndefined();
    // the product can stop it as the CLI would remove it
    expect((await call('/api/stacks/apicli/stop', { method: 'POST' })).body).toMatchObject({ stopped: true });
    await eventually(async () => (await namespaceObjects('apicli')) === 0, 60_000, 'namespace apicli empty');
  });

  describe('bad input: a 4xx naming the key, nothing written, nothing deployed', () => {
    const image = () => env().LAB_IMAGE;
    const cases: Array<[string, () => object, RegExp]> = [
      ['an unknown top-level key', () => ({ compose: `services:\n  web:\n    image: ${image()}\nservice:\n  x: 1\n` }), /service/],
      [
        'a missing required variable',
        () => ({ compose: 'services:\n  web:\n    image: ${IMAGE?the image to run}\n' }),
        /services\.web\.image.*IMAGE|IMAGE.*the image to run/,
      ],
      [
        'a relative bind',
        () => ({ compose: `services:\n  web:\n    image: ${image()}\n    volumes:\n      - ./data:/data\n` }),
        /services\.web\.volumes\[0\].*relative/,
      ],
      ['${VAR:?} unset', () => ({ compose: 'services:\n  web:\n    image: ${IMAGE:?}\n' }), /IMAGE/],
      [
        "a file: not among the stack's files",
        () => ({ compose: `services:\n  web:\n    image: ${image()}\n    configs: [site]\nconfigs:\n  site:\n    file: ./site.conf\n` }),
        /configs\.site/,
      ],
      [
        "a path in files that leaves the stack's folder",
        () => ({ compose: `services:\n  web:\n    image: ${image()}\n`, files: { '../escape.txt': 'x' } }),
        /files\."\.\.\/escape\.txt"/,
      ],
    ];
    for (const [what, input, key] of cases) {
      it(what, async () => {
        const res = await call('/api/stacks', { method: 'POST', json: { name: 'apibad', ...input() } });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(key);
        expect(existsSync(join(t.definitionsDir, 'stacks/apibad'))).toBe(false);
        expect(existsSync(join(t.definitionsDir, 'escape.txt'))).toBe(false);
        expect((await call('/api/stacks/apibad')).status).toBe(404);
        expect(await namespaceObjects('apibad')).toBe(0);
      });
    }

    it('the problems carry the line in the compose text, for the editor', async () => {
      const res = await call('/api/stacks', {
        method: 'POST',
        json: { name: 'apibad', compose: `services:\n  web:\n    image: ${image()}\n    volumes:\n      - ./data:/data\n` },
      });
      expect(res.body.problems).toEqual([expect.objectContaining({ key: expect.stringMatching(/^services\.web\.volumes/), line: 5 })]);
    });

    it('the YAML form needs ?name=, and a bad name is named', async () => {
      const yaml = { 'content-type': 'application/yaml' };
      const noName = await call('/api/stacks', { method: 'POST', body: `services:\n  web:\n    image: ${image()}\n`, headers: yaml });
      expect([noName.status, noName.body.message]).toEqual([400, expect.stringMatching(/^name: /)]);
      const badName = await call('/api/stacks?name=Bad.Name', {
        method: 'POST',
        body: `services:\n  web:\n    image: ${image()}\n`,
        headers: yaml,
      });
      expect([badName.status, badName.body.message]).toEqual([400, expect.stringMatching(/name must be a stack name/)]);
      const unknownField = await call('/api/stacks', {
        method: 'POST',
        json: { name: 'apibad', compose: `services:\n  web:\n    image: ${image()}\n`, extra: 1 },
      });
      expect([unknownField.status, unknownField.body.message]).toEqual([400, expect.stringMatching(/extra/)]);
      expect(existsSync(join(t.definitionsDir, 'stacks/apibad'))).toBe(false);
    });

    it('an Engine refusal at deploy is a 4xx naming the compose key, not a 503', async () => {
      const created = await call('/api/stacks?name=apibad', {
        method: 'POST',
        body: `services:\n  web:\n    image: ${image()}\n    deploy:\n      placement:\n        constraints: ["node.foo = bar"]\n`,
        headers: { 'content-type': 'application/yaml' },
      });
      expect(created.status).toBe(201);
      const res = await call('/api/stacks/apibad/deploy?wait=false', { method: 'POST' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^services\.web: .*constraint/);
      const unknownImage = await call('/api/stacks/apibad', {
        method: 'PUT',
        json: { compose: `services:\n  web:\n    image: ${image().replace(/:[^:/]+$/, ':no-such-tag')}\n` },
      });
      expect(unknownImage.status).toBe(200);
      const refused = await call('/api/stacks/apibad/deploy', { method: 'POST' });
      expect([refused.status, refused.body.message]).toEqual([
        400,
        expect.stringMatching(/^services\.web\.image: .* does not exist in the registry/),
      ]);
      // asked as a stream, a refusal up front is still a plain JSON 400, not an event stream
      const streamed = await t.api('/api/stacks/apibad/deploy', { method: 'POST', headers: { accept: 'text/event-stream' } });
      expect([streamed.status, streamed.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/json/)]);
      expect(((await streamed.json()) as { message: string }).message).toMatch(/^services\.web\.image: /);
      expect(await docker.listServices({ filters: stackFilter('apibad') })).toEqual([]);
      const history = await call('/api/stacks/apibad/history');
      expect(history.body.map((h: any) => h.status)).toEqual(['failed', 'failed', 'failed']);
      await stackGone('apibad');
      expect((await call('/api/stacks/apibad?force=true', { method: 'DELETE' })).status).toBe(204);
    });
  });

  it('importing a file with several services offers the stack instead of splitting it', async () => {
    const compose = `services:\n  imp-a:\n    image: ${env().LAB_IMAGE}\n  imp-b:\n    image: ${env().LAB_IMAGE}\n`;
    const res = await call('/api/services/import', { method: 'POST', body: compose, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      created: [],
      refused: [],
      stack: { suggested: true, services: ['imp-a', 'imp-b'], hint: expect.stringContaining('POST /api/stacks') },
    });
    expect((await call('/api/services')).body.map((s: any) => s.name)).not.toContain('imp-a');
  });

  it('MCP: deploy_stack creates and deploys, get_stack and list_stacks see it, get_stack_logs merges, stop_stack removes it; bad input names the key', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
      }),
    );
    type ToolResult = { isError?: boolean; content: { text: string }[]; structuredContent?: any };
    const tool = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args }, undefined, { timeout: 170_000 })) as ToolResult;
    try {
      const names = (await client.listTools()).tools.map((x) => x.name);
      expect(names).toEqual(expect.arrayContaining(['list_stacks', 'get_stack', 'deploy_stack', 'stop_stack', 'get_stack_logs']));
      const stopTool = (await client.listTools()).tools.find((x) => x.name === 'stop_stack');
      expect(stopTool?.annotations).toMatchObject({ destructiveHint: true });

      const compose = `services:\n  a:\n    image: \${IMAGE}\n    command: ["sh", "-c", "while true; do echo from-a; sleep 1; done"]\n    stop_grace_period: 1s\n  b:\n    image: \${IMAGE}\n    command: ["sh", "-c", "while true; do echo from-b; sleep 1; done"]\n    stop_grace_period: 1s\n`;
      const bad = await tool('deploy_stack', { name: 'apimcp', compose: compose.replace('image: ${IMAGE}', 'image: ${IMAGE:?}') });
      expect(bad.isError).toBe(true);
      expect(bad.content[0].text).toMatch(/services\.a\.image.*IMAGE|IMAGE/);
      expect(existsSync(join(t.definitionsDir, 'stacks/apimcp'))).toBe(false);

      const deployed = await tool('deploy_stack', { name: 'apimcp', compose, variables: { IMAGE: env().LAB_IMAGE } });
      expect(deployed.isError).toBeFalsy();
      expect(deployed.structuredContent).toMatchObject({ stack: 'apimcp', convergence: { outcome: 'converged' } });
      const got = await tool('get_stack', { name: 'apimcp' });
      expect(got.structuredContent).toMatchObject({ name: 'apimcp', inCatalog: true, status: 'running' });
      expect((await tool('list_stacks', {})).structuredContent.stacks).toContainEqual(
        expect.objectContaining({ name: 'apimcp', deployed: true }),
      );
      const logs = await eventually(
        async () => {
          const r = await tool('get_stack_logs', { name: 'apimcp', tail: 5 });
          const services = new Set((r.structuredContent.lines as any[]).map((l) => l.service));
          return services.has('a') && services.has('b') ? r : undefined;
        },
        30_000,
        'lines of a and b',
      );
      expect(logs.structuredContent.lines.every((l: any) => l.message === `from-${l.service}`)).toBe(true);
      const onlyB = await tool('get_stack_logs', { name: 'apimcp', tail: 5, filter: 'FROM-B' });
      expect(onlyB.structuredContent.lines.length).toBeGreaterThan(0);
      expect(onlyB.structuredContent.lines.every((l: any) => l.service === 'b')).toBe(true);
      const history = await call('/api/stacks/apimcp/history');
      expect(history.body[0]).toMatchObject({ action: 'deploy', status: 'succeeded' });
      // destructive: without confirm it only says what it would do
      const unconfirmed = await tool('stop_stack', { name: 'apimcp' });
      expect(unconfirmed.isError).toBe(true);
      expect(unconfirmed.content[0].text).toMatch(/stop_stack is destructive and did not run/);
      expect(await docker.listServices({ filters: stackFilter('apimcp') })).toHaveLength(2);
      expect((await tool('stop_stack', { name: 'apimcp', confirm: true })).structuredContent).toMatchObject({ stopped: true });
      await eventually(async () => (await namespaceObjects('apimcp')) === 0, 60_000, 'namespace apimcp empty');
      expect((await call('/api/stacks/apimcp', { method: 'DELETE' })).status).toBe(204);
    } finally {
      await client.close();
    }
  });

  describe('the public stack files (lab copies, test/fixtures/stacks) deploy through REST', () => {
    /*
     * The lab image is busybox httpd: a service whose file sets `command:`
     * runs those arguments and exits, a `curl` healthcheck fails, a bind of
     * /var/run/docker.sock has no source on the lab's nodes, and traefik's
     * node-label constraint matches no lab node. Those services cannot
     * converge; for them the test checks the specs were created as the file
     * says (no drift between file and swarm). Every other service converges.
     */
    const CANNOT_RUN: Record<string, Record<string, string>> = {
      'portainer-agent': {
        agent: 'binds /var/run/docker.sock, absent on the lab nodes',
        portainer: 'command: runs the portainer arguments in busybox',
      },
      swarmpit: { app: 'curl healthcheck (no curl in busybox httpd)', agent: 'binds /var/run/docker.sock, absent on the lab nodes' },
      swarmprom: {
        cadvisor: 'command:',
        alertmanager: 'command:',
        'node-exporter': 'command:',
        prometheus: 'command:',
        caddy: 'curl healthcheck',
      },
      traefik: { traefik: 'node-label constraint matches no lab node; command:' },
      'secrets-sample': {},
      'voting-app': {},
    };

    for (const fixture of publicStackNames()) {
      it(`${fixture}: created and deployed through REST; what can run converges, the rest is on the swarm as the file says`, async () => {
        if (fixture === 'traefik') {
          try {
            cli(['network', 'create', '-d', 'overlay', 'traefik-public']);
          } catch {
            // already there
          }
        }
        await stackGone('pubstack');
        await call('/api/stacks/pubstack', { method: 'DELETE' });
        const created = await call('/api/stacks', { method: 'POST', json: { name: 'pubstack', ...publicStackInput(fixture) } });
        expect([created.status, created.body.message]).toEqual([201, undefined]);
        const deployed = await call('/api/stacks/pubstack/deploy?wait=true&timeout=60', { method: 'POST' });
        expect([deployed.status, deployed.body.message]).toEqual([200, undefined]);
        const cannot = CANNOT_RUN[fixture];
        const outcomes = Object.fromEntries(
          (deployed.body.convergence.services as any[]).map((s) => [s.service.replace(/^pubstack_/, ''), s.outcome]),
        );
        const runnable = Object.keys(outcomes).filter((k) => !(k in cannot));
        expect(Object.fromEntries(runnable.map((k) => [k, outcomes[k]]))).toEqual(
          Object.fromEntries(runnable.map((k) => [k, 'converged'])),
        );
        // the list above is exact: each service named there indeed does not converge on the lab
        expect(Object.keys(cannot).filter((k) => outcomes[k] === 'converged')).toEqual([]);
        const detail = await call('/api/stacks/pubstack');
        expect(detail.body.serviceList.filter((s: any) => !s.deployed || !s.inFile)).toEqual([]);
        expect(detail.body.drift.filter((d: any) => d.missing || d.differences.length)).toEqual([]);
        expect(cli(['stack', 'ls', '--format', '{{.Name}}']).split('\n')).toContain('pubstack');
        expect((await call('/api/stacks/pubstack/stop', { method: 'POST' })).body).toMatchObject({ stopped: true });
        await stackGone('pubstack');
        expect((await call('/api/stacks/pubstack', { method: 'DELETE' })).status).toBe(204);
        if (fixture === 'traefik') cli(['network', 'rm', 'traefik-public']);
      });
    }
  });
});
