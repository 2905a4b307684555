/**
 * What a deploy.sh would do, one npm script per step:
 *   npm run deploy:build [-- --prebuilt]   build the image for $PLATFORM and push it to $REGISTRY
 *   npm run deploy:deploy                  docker stack deploy of the prod stack file(s)
 *   npm run deploy:update                  force-update the running service (after a push)
 *   npm run deploy:redeploy                build, push, remove the stack, wait until gone, deploy
 *   npm run deploy:remove | deploy:stop | deploy:start | deploy:logs | deploy:status
 * Configured by the environment: DOCKER_HOST (e.g. ssh://ops@mini2), REGISTRY (mini2:5000),
 * IMAGE_NAME, TAG (package version), STACK (orchestrator), COMPOSE_FILES (":"-separated,
 * default docker-compose.prod.yml), PLATFORM (linux/amd64), NODE_IMAGE / BUILD_IMAGE (base images).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const env = {
  registry: process.env.REGISTRY ?? 'mini2:5000',
  imageName: process.env.IMAGE_NAME ?? 'swarm-orchestrator',
  tag: process.env.TAG ?? version,
  stack: process.env.STACK ?? 'orchestrator',
  composeFiles: (process.env.COMPOSE_FILES ?? 'docker-compose.prod.yml').split(':').filter(Boolean),
  platform: process.env.PLATFORM ?? 'linux/amd64',
};
const image = `${env.registry}/${env.imageName}:${env.tag}`;
const service = `${env.stack}_orchestrator`;

class StepFailed extends Error {}

function step(title: string) {
  process.stdout.write(`\n\x1b[1m==> ${title}\x1b[0m\n`);
}

/** Runs the docker CLI, streaming its output; a non-zero exit stops the whole command. */
function docker(args: string[], opts: { capture?: boolean; cwd?: string; allowFail?: boolean } = {}): string {
  process.stdout.write(`$ docker ${args.join(' ')}\n`);
  const res = spawnSync('docker', args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, REGISTRY: env.registry, IMAGE_NAME: env.imageName, TAG: env.tag, STACK: env.stack },
    stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (res.status !== 0 && !opts.allowFail)
    throw new StepFailed(`docker ${args[0]} ${args[1] ?? ''} failed (exit ${res.status ?? res.signal})`);
  return res.stdout ?? '';
}

function run(cmd: string, args: string[], cwd = ROOT) {
  process.stdout.write(`$ ${cmd} ${args.join(' ')}\n`);
  const res = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (res.status !== 0) throw new StepFailed(`${cmd} ${args.join(' ')} failed (exit ${res.status})`);
}

/** A build context holding only built artifacts and production dependencies (the Dockerfile's `prebuilt` target). */
function stagePrebuilt(): string {
  step('build the app here and stage a prebuilt context');
  run('npm', ['run', 'build']);
  const ctx = mkdtempSync(join(tmpdir(), 'so-image-'));
  for (const p of ['package.json', 'package-lock.json', 'Dockerfile', 'dist', 'apps/web/dist', 'node_modules']) {
    cpSync(join(ROOT, p), join(ctx, p), { recursive: true, verbatimSymlinks: true });
  }
  run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], ctx);
  return ctx;
}

function build(prebuilt: boolean) {
  const ctx = prebuilt ? stagePrebuilt() : ROOT;
  try {
    step(`build ${image} for ${env.platform || 'the builder platform'}`);
    const args = ['build', '-t', image, '--target', prebuilt ? 'prebuilt' : 'runtime'];
    if (env.platform) args.push('--platform', env.platform);
    for (const arg of ['NODE_IMAGE', 'BUILD_IMAGE']) if (process.env[arg]) args.push('--build-arg', `${arg}=${process.env[arg]}`);
    docker([...args, '.'], { cwd: ctx });
    step(`push ${image}`);
    docker(['push', image]);
  } finally {
    if (prebuilt) rmSync(ctx, { recursive: true, force: true });
  }
}

/**
 * The secret the app and the node agents share, as a Docker secret (never an
 * environment variable): made from random bytes when missing. It carries the
 * stack's label, so `deploy:remove` removes it with the stack and the next
 * deploy makes a new one.
 */
function ensureAgentSecret() {
  const name = `${env.stack}_agent_secret`;
  const found = docker(['secret', 'ls', '-q', '--filter', `name=${name}`], { capture: true }).trim();
  if (found) return;
  step(`create the agent secret ${name}`);
  process.stdout.write(`$ docker secret create ${name} -\n`);
  const res = spawnSync('docker', ['secret', 'create', '--label', `com.docker.stack.namespace=${env.stack}`, name, '-'], {
    cwd: ROOT,
    input: randomBytes(32).toString('hex'),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (res.status !== 0) throw new StepFailed(`docker secret create ${name} failed (exit ${res.status ?? res.signal})`);
}

function deploy() {
  ensureAgentSecret();
  step(`stack deploy ${env.stack} (${env.composeFiles.join(', ')})`);
  docker(['stack', 'deploy', ...env.composeFiles.flatMap((f) => ['-c', f]), '--with-registry-auth', '--prune', env.stack]);
}

async function waitGone() {
  step(`wait until stack ${env.stack} is gone`);
  for (let i = 0; i < 120; i++) {
    const services = docker(['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${env.stack}`], { capture: true }).trim();
    const networks = docker(['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${env.stack}`], { capture: true }).trim();
    if (!services && !networks) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new StepFailed(`stack ${env.stack} still has services or networks after 120 s`);
}

async function main(command: string, flags: string[]) {
  switch (command) {
    case 'build':
      return build(flags.includes('--prebuilt'));
    case 'deploy':
      return deploy();
    case 'update':
      step(`force-update ${service} to ${image}`);
      return void docker(['service', 'update', '--force', '--with-registry-auth', '--image', image, service]);
    case 'redeploy':
      build(flags.includes('--prebuilt'));
      step(`remove stack ${env.stack}`);
      docker(['stack', 'rm', env.stack]);
      await waitGone();
      return deploy();
    case 'remove':
      step(`remove stack ${env.stack}`);
      docker(['stack', 'rm', env.stack]);
      return waitGone();
    case 'stop':
      step(`scale ${service} to 0`);
      return void docker(['service', 'scale', '--detach=false', `${service}=0`]);
    case 'start':
      step(`scale ${service} to 1`);
      return void docker(['service', 'scale', '--detach=false', `${service}=1`]);
    case 'logs':
      return void docker(['service', 'logs', '--tail', '200', '--timestamps', ...(flags.includes('-f') ? ['--follow'] : []), service]);
    case 'status':
      step(`services of stack ${env.stack}`);
      docker(['stack', 'services', env.stack]);
      step(`tasks of ${service}`);
      return void docker([
        'service',
        'ps',
        '--no-trunc',
        '--format',
        'table {{.Name}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}',
        service,
      ]);
    default:
      throw new StepFailed(`unknown command "${command}": build, deploy, update, redeploy, remove, stop, start, logs, status`);
  }
}

main(process.argv[2] ?? '', process.argv.slice(3)).then(
  () => process.stdout.write('\ndone\n'),
  (err) => {
    process.stderr.write(`\n\x1b[31mfailed: ${(err as Error).message}\x1b[0m\n`);
    process.exit(1);
  },
);
