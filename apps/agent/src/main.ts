import { NodeEngine, NodeFacts, NodeIdentity, NodeStatsCollector, TaskLogKeeper } from '@app/swarm';
import pino from 'pino';
import { AgentConfigError, agentConfig, readAgentSecret } from './agent-config';
import { GpuUsage, readGpu } from './gpu';
import { buildAgentServer } from './server';

/**
 * The node agent: one task per node (a global service), talking only to its
 * node's Engine through the local socket and answering only the app, which
 * sends the shared secret. Same image as the app: `node dist/apps/agent/src/main.js`.
 */
async function main(): Promise<void> {
  let config;
  let secret: string;
  try {
    config = agentConfig();
    secret = readAgentSecret(config.secretFile);
  } catch (err) {
    if (!(err instanceof AgentConfigError)) throw err;
    process.stderr.write(`agent: ${err.message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.logLevel, base: { component: 'agent' } });
  const engine = new NodeEngine(config.docker.connection, config.docker.timeoutMs);
  const stats = new NodeStatsCollector(engine.client, { refreshMs: config.refreshMs, onError: (m) => log.warn(m) });
  const keeper = new TaskLogKeeper(engine.client, { onError: (m) => log.warn(m) });
  let identity: NodeIdentity | undefined;
  let gpu: { at: number; value: Promise<GpuUsage> } | undefined;
  const app = buildAgentServer({
    secret,
    logger: log,
    engine,
    stats,
    facts: new NodeFacts(engine.client, keeper),
    identity: async () => (identity ??= await engine.identity()),
    // nvidia-smi takes a while: once per few seconds is enough for a sample every few seconds
    gpu: () => {
      if (!gpu || Date.now() - gpu.at > 4000) gpu = { at: Date.now(), value: readGpu() };
      return gpu.value;
    },
  });
  keeper.start();
  await stats.start();
  await app.listen({ port: config.port, host: config.host });
  log.info({ port: config.port, docker: engine.client.endpoint }, 'agent listening');
  const stop = () => {
    stats.stop();
    keeper.stop();
    void app.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
