import type { FastifyBaseLogger } from 'fastify';
import type { NodeEngine, NodeFacts, NodeIdentity, NodeStatsCollector } from '@app/swarm';
import type { GpuUsage } from './gpu';

/** What every route plugin of the agent receives as its options. */
export interface AgentContext {
  /** The node's own Engine (its `client` is the libs/swarm adapter on the local socket). */
  engine: NodeEngine;
  stats: NodeStatsCollector;
  facts: NodeFacts;
  /** Who the node is; read once the Engine answers, then cached. */
  identity: () => Promise<NodeIdentity>;
  gpu: () => Promise<GpuUsage>;
  log?: FastifyBaseLogger;
}
