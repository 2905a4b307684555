import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../fixtures/api-client';
import { eventually, labEnv } from '../fixtures/lab';
import { pushNodeBaseImage } from '../fixtures/prod-stack';

const ROOT = join(__dirname, '../..');
const STACK = 'sotest';
const PORT = 18800;
const TOKEN = 'so_deploy_test_token_0123456789abc';
jest.setTimeout(600_000);

describe('the deployment cycle on the lab swarm (Dockerfile, stack file, npm deploy scripts)', () => {
  const env = labEnv();
  let override: string;
  let dir: string;
  const npmEnv = () => ({
    ...process.env,
    DOCKER_HOST: env.DOCKER_HOST,
    DOCKER_BUILDKIT: '0', // the lab's Engine 20.10 has the legacy builder only
    REGISTRY: env.LAB_REGISTRY,
    IMAGE_NAME: 'orchestrator-test',
    TAG: 't1',
    STACK,
    PLATFORM: '',
    COMPOSE_FILES: `docker-compose.prod.yml:${override}`,
    REGISTRY_URL: env.REGISTRY_URL,
    PORT: String(PORT + 1),
  });
  const deploy = (command: string, ...args: string[]) => {
    const res = spawnSync('npx', ['ts-node', '--transpile-only', 'scripts/deploy/deploy.ts', command, ...args], {
      cwd: ROOT,
      env: npmEnv(),
      encoding: 'utf8',
    });
    return { status: res.status, out: `${res.stdout}${res.stderr}` };
  };
  const base = () => `http://${env.LAB_IP_mini2}:${PORT}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'so-deploy-'));
    override = join(dir, 'lab-override.yml');
    // the lab has no routing mesh (no IPVS): publish in host mode, and stop the old task first so the port is free
    writeFileSync(
      override,
      `services:
  orchestrator:
    user: "0:0"
    environment:
      ADMIN_TOKEN: ${TOKEN}
    ports:
      - target: 8080
        published: ${PORT}
        mode: host
    volumes:
      - ${labEnv().DOCKER_HOST.replace('unix://', '')}:/var/run/docker.sock
    deploy:
      update_config:
        order: stop-first
  agent:
    user: "0:0"
    volumes:
      - type: bind
        source: ${env.LAB_DIR ?? '/tmp/solab'}/n/{{.Node.Hostname}}/docker.sock
        target: /var/run/docker.sock
        read_only: true
`,
    );
    process.env.NODE_IMAGE = pushNodeBaseImage(env.LAB_REGISTRY);
  });
  afterAll(() => {
    spawnSync('docker', ['stack', 'rm', STACK], { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST } });
    rmSync(dir, { recursive: true, force: true });
    void readlinkSync;
  });

  it('builds and pushes, deploys, answers, updates, stops, starts and removes', async () => {
    const built = deploy('build', '--prebuilt');
    expect(built.out).toMatch(/==> push/);
    expect(built.status).toBe(0);
    const size = execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', `${env.LAB_REGISTRY}/orchestrator-test:t1`], {
      env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST },
      encoding: 'utf8',
    });
    console.log(`image size: ${(Number(size) / 1024 ** 2).toFixed(0)} MiB`);

    expect(deploy('deploy').status).toBe(0);
    await eventually(async () => (await fetch(`${base()}/api/health`)).ok, 120_000, 'the app in the stack');
    // the app in the stack reaches the swarm through the mounted socket
    const nodes = (await createApiClient(base(), TOKEN).GET('/api/nodes')).data!;
    expect(nodes.map((n) => n.hostname).sort()).toEqual(['mini2', 'rog1', 'spark1']);

    const status = deploy('status');
    expect(status.status).toBe(0);
    expect(status.out).toMatch(new RegExp(`${STACK}_orchestrator.*Running`, 's'));

    const taskIds = () =>
      execFileSync('docker', ['service', 'ps', '-q', '--filter', 'desired-state=running', `${STACK}_orchestrator`], {
        env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST },
        encoding: 'utf8',
      }).trim();
    const before = taskIds();
    expect(deploy('update').status).toBe(0);
    await eventually(
      async () => taskIds() !== before && taskIds() !== '' && (await fetch(`${base()}/api/health`)).ok,
      120_000,
      'a new task after the update',
    );

    expect(deploy('stop').status).toBe(0);
    await eventually(
      async () =>
        !(await fetch(`${base()}/api/health`).then(
          (r) => r.ok,
          () => false,
        )),
      60_000,
      'the app to stop',
    );
    expect(deploy('start').status).toBe(0);
    await eventually(async () => (await fetch(`${base()}/api/health`)).ok, 120_000, 'the app to start again');

    expect(deploy('remove').status).toBe(0);
    const left = execFileSync('docker', ['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`], {
      env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST },
      encoding: 'utf8',
    }).trim();
    expect(left).toBe('');
  });
});
