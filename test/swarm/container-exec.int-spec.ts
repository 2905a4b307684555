import { ContainerExec, ExecSession, NodeEngine, parseDockerHost } from '@app/swarm';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labEnv, labImage } from '../fixtures/lab';

const NAME = 't-exec-sleeper';
jest.setTimeout(120_000);

/** ContainerExec on one node's own Engine, made as the agent on that node makes it. */
async function execOn(node: string): Promise<ContainerExec> {
  return new ContainerExec(new NodeEngine(parseDockerHost(labEnv()[`LAB_SOCK_${node}`]), 5_000).client);
}

/** Collects a session's terminal output and waits for text in it. */
function screen(session: ExecSession) {
  let text = '';
  session.output.on('data', (b: Buffer) => (text += b.toString('utf8')));
  return {
    get text() {
      return text;
    },
    async waitFor(pattern: RegExp, what: string) {
      await eventually(async () => pattern.test(text), 5_000, `${what} in ${JSON.stringify(text.slice(-300))}`, 50);
    },
  };
}

describe('libs/swarm exec on a lab node (rog1) Engine', () => {
  let rog1: ContainerExec;
  let taskId: string;
  let containerId: string;

  beforeAll(async () => {
    await removeServices(NAME);
    await labDocker().createService({
      Name: NAME,
      TaskTemplate: {
        ContainerSpec: { Image: labImage(), Command: ['sleep', '3600'] },
        Placement: { Constraints: ['node.hostname==rog1'] },
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as never);
    const task = await eventually(
      async () => {
        const tasks = (await labDocker().listTasks({ filters: JSON.stringify({ service: [NAME] }) })) as any[];
        return tasks.find((t) => t.Status?.State === 'running');
      },
      60_000,
      `a running task of ${NAME}`,
    );
    taskId = task.ID;
    containerId = task.Status.ContainerStatus.ContainerID;
    rog1 = await execOn('rog1');
  });
  afterAll(() => removeServices(NAME));

  const processes = async () => (await rog1.run(containerId, { command: ['ps', '-o', 'pid,args'] })).stdout;

  it("finds a task's running container on its own node, and only there", async () => {
    expect(await rog1.taskContainer(taskId)).toBe(containerId);
    const spark1 = await execOn('spark1');
    await expect(spark1.taskContainer(taskId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`task ${taskId} has no container on this node`),
    });
    await expect(rog1.taskContainer('no/such')).rejects.toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^taskId:/) });
  });

  it('an interactive shell: hostname, arithmetic, the size it was opened with, a resize, and its exit code', async () => {
    const session = await rog1.open(containerId, { command: ['sh'], cols: 100, rows: 40 });
    const out = screen(session);
    session.write('hostname\n');
    // a task's container is named after its container id
    await out.waitFor(new RegExp(`\\r\\n${containerId.slice(0, 12)}\\r\\n`), 'the hostname');
    session.write('echo $((6*7))\n');
    await out.waitFor(/\r\n42\r\n/, '42');
    session.write('stty size\n');
    await out.waitFor(/\r\n40 100\r\n/, 'the opening size');
    await session.resize(132, 30);
    session.write('stty size\n');
    await out.waitFor(/\r\n30 132\r\n/, 'the new size');
    await expect(session.resize(0, 30)).rejects.toMatchObject({ code: 'INVALID', message: 'cols: must be a whole number from 1 to 1000' });
    session.write('exit 3\n');
    expect(await session.exited).toBe(3);
  });

  it('closing a session ends its shell and what the shell started (the Engine alone would leave them running)', async () => {
    const session = await rog1.open(containerId, { command: ['sh'] });
    session.write('sleep 987 & sleep 654\n');
    await eventually(async () => /sleep 654/.test(await processes()), 5_000, 'the sleeps running');
    const started = Date.now();
    await session.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await session.exited).toBeNull();
    const left = await processes();
    expect(left).not.toMatch(/sleep 987|sleep 654/);
    // only the task's own process and the ps that listed them are alive; the killed
    // sleeps' remains ([sleep]) wait for a reaper the task's PID 1 (sleep) is not
    const alive = left
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().replace(/^\d+\s+/, ''))
      .filter((args) => !/^\[.*\]$/.test(args));
    expect(alive).toEqual(['sleep 3600', 'ps -o pid,args']);
  });

  it('a one-shot command: stdout, stderr and exit code apart', async () => {
    expect(await rog1.run(containerId, { command: ['hostname'] })).toMatchObject({
      stdout: `${containerId.slice(0, 12)}\n`,
      stderr: '',
      exitCode: 0,
      truncated: false,
      timedOut: false,
    });
    expect(await rog1.run(containerId, { command: ['sh', '-c', 'echo $((6*7)); echo oops >&2; exit 7'] })).toMatchObject({
      stdout: '42\n',
      stderr: 'oops\n',
      exitCode: 7,
      truncated: false,
    });
    await expect(rog1.run(containerId, { command: [] })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringMatching(/^command:/),
    });
  });

  it('caps the output and says so, reading the rest so the command still finishes', async () => {
    const result = await rog1.run(containerId, { command: ['sh', '-c', 'yes 0123456789 | head -c 300000; echo done >&2'], maxBytes: 1000 });
    expect(result.stdout).toHaveLength(1000);
    expect(result.stdout.startsWith('0123456789\n0123456789\n')).toBe(true);
    expect(result).toMatchObject({ stderr: '', exitCode: 0, truncated: true, timedOut: false });
  });

  it('past its timeout a command is ended and what it wrote so far comes back', async () => {
    const result = await rog1.run(containerId, { command: ['sh', '-c', 'echo before; sleep 321'], timeoutMs: 1_000 });
    expect(result).toMatchObject({ stdout: 'before\n', exitCode: null, timedOut: true });
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(await processes()).not.toMatch(/sleep 321/);
  });

  it("a program the image lacks answers the runtime's refusal and its exit code", async () => {
    const result = await rog1.run(containerId, { command: ['no-such-program'] });
    // 126: the runtime could not start it (the Engine's exec, unlike a shell, does not say 127)
    expect(result.exitCode).toBe(126);
    expect(result.stdout + result.stderr).toMatch(/no-such-program/);
  });

  it('a stopped Engine is UNAVAILABLE, not a hang', async () => {
    const nowhere = new ContainerExec(new NodeEngine(parseDockerHost('unix:///tmp/solab-nowhere.sock'), 2_000).client);
    await expect(nowhere.taskContainer(taskId)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
