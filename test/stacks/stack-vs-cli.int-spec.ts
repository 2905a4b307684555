import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DomainError } from '@app/common';
import { parseDockerHost, SwarmModule, SwarmServices, SwarmStacks, type ComposeProject, type StackLogLine } from '@app/swarm';
import { dockerCli, labDocker } from '../fixtures/docker';
import { labEnv } from '../fixtures/lab';
import { deployedSpecs, removeStack as stackGone, unexplainedDifferences } from '../fixtures/stack-lab';
import { loadStackFixture, stackFixtures } from './fixtures/stack-fixture';

jest.setTimeout(600_000);

/*
 * THE reference test for stacks: every fixture is deployed through the
 * library (stack `ours`) and with `docker stack deploy` (stack `cli`), and the
 * service specs the swarm holds are compared field by field once the stack
 * name is taken out. A difference fails the test unless it is in ALLOWED.
 */

/** Spec paths where ours and the CLI's may differ, each with why. */
const ALLOWED: Record<string, string> = {
  'TaskTemplate.Placement.Platforms':
    'the CLI (--resolve-image always) adds the platforms it read with the digest from the Engine; the library leaves platform choice to the scheduler and the app pins digests through the registry',
};
/** Normalisations applied before comparing, each with why (not differences: the same thing named differently). */
const NORMALISED = {
  stackName: 'every name and the namespace label carry the stack name (`ours` vs `cli`)',
  contentHash:
    'configs and secrets are named `<stack>_<key>-<content hash>` by the library (immutable objects: a changed content is a new object), `<stack>_<key>` by the CLI',
  imageDigest: 'the CLI pins the image to its digest; the comparison is of the image without digest, as agreed',
  networkIds: 'the Engine stores network ids; they differ per stack and are read as names',
};

const env = () => labEnv();
const docker = labDocker();
const cli = (args: string[], cwd?: string): string => dockerCli(args, { cwd });
const vars = () => ({ LAB_IMAGE: env().LAB_IMAGE, LAB_WEB_IMAGE: env().LAB_WEB_IMAGE });

describe('stacks: the library deploys a compose file exactly as docker stack deploy', () => {
  let ctx: INestApplicationContext;
  let stacks: SwarmStacks;

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(
      SwarmModule.forRoot({ connection: parseDockerHost(env().DOCKER_HOST), timeoutMs: 15_000 }),
      { logger: false },
    );
    stacks = ctx.get(SwarmStacks);
    for (const s of ['ours', 'ours2', 'cli', 'bench_ours', 'bench_cli', 'bad']) await stackGone(s);
  });
  afterAll(async () => {
    for (const s of ['ours', 'ours2', 'cli', 'bench_ours', 'bench_cli', 'bad']) await stackGone(s).catch(() => undefined);
    await ctx?.close();
  });

  for (const fixture of stackFixtures()) {
    it(`${fixture}: same service specs as the CLI's, no drift after the deploy, listed by docker stack ls and by the library`, async () => {
      const { project, dir } = loadStackFixture(fixture, vars());
      await stackGone('ours');
      await stackGone('cli');
      const result = await stacks.deploy(project, 'ours', { timeoutMs: 120_000 });
      expect(result.convergence?.services.filter((r) => r.outcome !== 'converged').map((r) => `${r.service}: ${r.message}`)).toEqual([]);
      expect(result.convergence?.outcome).toBe('converged');
      // global services converge to one task per eligible node (3 lab nodes), never to "0/0"
      for (const plan of stacks.plan(project, 'ours').services.filter((s) => (s.spec.Mode as { Global?: object }).Global)) {
        const r = result.convergence?.services.find((c) => c.service === plan.name);
        const constrained = ((plan.spec.TaskTemplate as { Placement?: { Constraints?: string[] } }).Placement?.Constraints ?? []).some(
          (c) => c.includes('manager'),
        );
        expect([r?.desired, r?.running]).toEqual(constrained ? [1, 1] : [3, 3]);
      }
      expect((await stacks.drift(project, 'ours')).filter((d) => d.missing || d.differences.length)).toEqual([]);
      expect(cli(['stack', 'ls', '--format', '{{.Name}} {{.Services}}']).split('\n')).toContain(
        `ours ${Object.keys(project.services).length}`,
      );
      const ours = await deployedSpecs('ours');
      await stackGone('ours');

      cli(['stack', 'deploy', '--detach=true', '-c', 'compose.yaml', 'cli'], dir);
      const theirs = await deployedSpecs('cli');
      const listed = await stacks.list();
      expect(listed).toContainEqual({ name: 'cli', services: Object.keys(project.services).length });
      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      expect(unexplainedDifferences(ours, theirs, ALLOWED, 'ours')).toEqual([]);
      expect(Object.keys(NORMALISED).length).toBe(4);
      await stackGone('cli');
    });
  }

  it('rotates a changed config: a new hash-named object, the service moves to it, the old one is removed after convergence', async () => {
    const { project } = loadStackFixture('webapp', vars());
    const first = await stacks.deploy(project, 'ours', { timeoutMs: 120_000 });
    const oldName = stacks.plan(project, 'ours').configs[0].name;
    expect(first.createdConfigs).toContain(oldName);
    const again = await stacks.deploy(project, 'ours', { timeoutMs: 120_000 });
    expect(again.createdConfigs).toEqual([]);
    expect(again.services.every((s) => s.action === 'updated')).toBe(true);

    const changed = structuredClone(project) as ComposeProject;
    (changed.configs ?? {}).site.content = Buffer.from('a new site text\n');
    const newName = stacks.plan(changed, 'ours').configs[0].name;
    expect(newName).not.toBe(oldName);
    const rotated = await stacks.deploy(changed, 'ours', { timeoutMs: 120_000 });
    expect(rotated.convergence?.outcome).toBe('converged');
    expect(rotated.createdConfigs).toEqual([newName]);
    expect(rotated.removedObjects).toContain(`config ${oldName}`);
    const web = (await docker.getService('ours_web').inspect()) as {
      Spec: { TaskTemplate: { ContainerSpec: { Configs: { ConfigName: string }[] } } };
    };
    expect(web.Spec.TaskTemplate.ContainerSpec.Configs.map((c) => c.ConfigName)).toEqual([newName]);
    expect((await docker.listConfigs({ filters: JSON.stringify({ name: [oldName] }) })).filter((c) => c.Spec?.Name === oldName)).toEqual(
      [],
    );

    // prune: a service no longer in the file goes
    const fewer = structuredClone(changed) as ComposeProject;
    delete fewer.services.worker;
    const pruned = await stacks.deploy(fewer, 'ours', { prune: true, timeoutMs: 120_000 });
    expect(pruned.removedServices).toEqual(['ours_worker']);
    expect((await stacks.stackServices('ours')).map((s) => s.key)).toEqual(['api', 'web']);
    expect((await stacks.tasks('ours')).every((t) => t.service === 'api' || t.service === 'web')).toBe(true);

    const removed = await stacks.remove('ours');
    expect(removed.services.sort()).toEqual(['ours_api', 'ours_web']);
    expect(removed.networks.sort()).toEqual(['ours_backend', 'ours_frontend']);
    expect(cli(['stack', 'ls', '--format', '{{.Name}}']).split('\n')).not.toContain('ours');
    const second = await stacks.remove('ours').then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );
    expect([second?.code, second?.message]).toEqual(['NOT_FOUND', 'stack "ours" not found: nothing carries its namespace']);
  });

  it('an Engine refusal that is the file’s fault is INVALID with the Engine’s message and the compose key; nothing is left half-done for an unknown external network', async () => {
    const bad: ComposeProject = {
      services: { web: { image: env().LAB_IMAGE, deploy: { placement: { constraints: ['node.foo = bar'] } } } },
    };
    const err = await stacks.deploy(bad, 'bad', { wait: false }).then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err?.code).toBe('INVALID');
    expect(err?.message).toMatch(/^services\.web: .*constraint/);

    const external: ComposeProject = {
      services: { web: { image: env().LAB_IMAGE, networks: ['proxy'] } },
      networks: { proxy: { external: true, name: 'no-such-net' } },
    };
    const err2 = await stacks.deploy(external, 'bad', { wait: false }).then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );
    expect(err2?.code).toBe('INVALID');
    expect(err2?.message).toBe(
      'networks.proxy: network "no-such-net" is declared as external, but could not be found; create a swarm-scoped network first',
    );
    expect(await docker.listServices({ filters: JSON.stringify({ name: ['bad_web'] }) })).toEqual([]);

    // a config the file names itself cannot change its bytes: refused, not silently kept
    const named = (text: string): ComposeProject => ({
      services: { web: { image: env().LAB_IMAGE, command: ['sleep', '3600'], configs: ['conf'] } },
      configs: { conf: { name: 'bad-fixed-conf', content: Buffer.from(text) } },
    });
    await stacks.deploy(named('one'), 'bad', { wait: false });
    const err3 = await stacks.deploy(named('two'), 'bad', { wait: false }).then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );
    expect([err3?.code, err3?.message]).toEqual([
      'INVALID',
      'configs.conf: config "bad-fixed-conf" exists with other content and configs are immutable; drop `name:` to let the stack version it, or give it a new name',
    ]);
    await stacks.remove('bad');
  });

  it('merges the logs of every service of a stack, each line tagged with service, slot and node, with a filter and follow', async () => {
    const { project } = loadStackFixture('monitoring', vars());
    await stacks.deploy(project, 'ours', { timeoutMs: 120_000 });
    const lines: StackLogLine[] = [];
    for await (const l of stacks.logs('ours', { filter: 'MIGRATED', timestamps: true })) lines.push(l);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    // a job's and a global service's tasks have no slot: their node says where the line comes from
    expect(lines[0]).toMatchObject({ service: 'once', message: 'migrated', taskId: expect.stringMatching(/^[a-z0-9]{25}$/) });
    expect(lines[0].nodeHostname).toMatch(/^(mini2|spark1|rog1)$/);
    expect(lines[0].timestamp).toMatch(/^\d{4}-/);

    const all: StackLogLine[] = [];
    for await (const l of stacks.logs('ours', { tail: 100 })) all.push(l);
    expect(new Set(all.map((l) => l.service))).toEqual(new Set(['agent', 'once']));
    expect(all.every((l) => l.timestamp === undefined)).toBe(true);

    // follow: new agent lines arrive (one every 5 s per node) until we stop
    const stop = new AbortController();
    const followed: StackLogLine[] = [];
    const started = Date.now();
    for await (const l of stacks.logs('ours', { follow: true, tail: 0, filter: 'agent on', signal: stop.signal })) {
      followed.push(l);
      if (followed.length >= 2) break;
    }
    stop.abort();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(followed.every((l) => l.service === 'agent' && /^agent on /.test(l.message) && l.nodeHostname)).toBe(true);
    await stacks.remove('ours');

    // a replicated service's lines carry their slot
    const web = loadStackFixture('webapp', vars());
    await stacks.deploy(web.project, 'ours2', { timeoutMs: 120_000 });
    const api: StackLogLine[] = [];
    for await (const l of stacks.logs('ours2', { filter: 'api up' })) api.push(l);
    expect(api).toEqual([expect.objectContaining({ service: 'api', message: 'api up', taskSlot: 1, nodeHostname: 'mini2' })]);
    await stacks.remove('ours2');
  });

  it('figure: a 10-service stack to convergence, the library vs docker stack deploy plus the same wait', async () => {
    const project: ComposeProject = {
      services: Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [
          `s${i}`,
          { image: env().LAB_IMAGE, command: ['sleep', '3600'], stop_grace_period: '1s', deploy: { replicas: 1 } },
        ]),
      ),
    };
    const file = join(loadStackFixture('webapp', vars()).dir, 'bench.yaml');
    writeFileSync(file, stringify(project));
    const services = ctx.get(SwarmServices);
    const ours: number[] = [];
    const theirs: number[] = [];
    // alternating, so neither side always runs on a warmer swarm
    for (let round = 0; round < 2; round++) {
      const cliStart = Date.now();
      cli(['stack', 'deploy', '--detach=true', '--quiet', '-c', file, 'bench_cli']);
      // the CLI's own --detach=false waits service after service (60 s here): the same parallel wait is the fair clock
      const waited = await Promise.all(
        Object.keys(project.services).map((k) => services.waitForConvergence(`bench_cli_${k}`, { timeoutMs: 180_000 })),
      );
      theirs.push(Date.now() - cliStart);
      expect(waited.every((w) => w.outcome === 'converged')).toBe(true);
      await stackGone('bench_cli');

      const oursStart = Date.now();
      const r = await stacks.deploy(project, 'bench_ours', { timeoutMs: 180_000 });
      ours.push(Date.now() - oursStart);
      expect(r.convergence?.outcome).toBe('converged');
      await stackGone('bench_ours');
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `10-service stack to convergence: library ${ours.join(', ')} ms; docker stack deploy + the same wait ${theirs.join(', ')} ms; ratio ${(sum(ours) / sum(theirs)).toFixed(2)}`,
    );
  });
});
