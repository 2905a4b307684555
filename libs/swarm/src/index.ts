// The only code that talks to the Docker Engine (dockerode): nodes, services,
// tasks, logs and events of the swarm, as plain typed objects.
export * from './docker-connection';
export * from './swarm.options';
export * from './swarm.module';
export * from './swarm.types';
export * from './service-spec.types';
export { SwarmEngine, type EngineInfo } from './swarm-engine';
export { SwarmNodes, type NodeAvailability, type NodeUsage } from './swarm-nodes';
export { SwarmServices, globalScaleRefusal, type RegistryAuth } from './swarm-services';
export { SwarmLogs } from './swarm-logs';
export { SwarmEvents } from './swarm-events';
export * from './stack/compose-project';
export * from './stack/stack.types';
export { SwarmStacks } from './stack/swarm-stacks';
export { convertStack, checkStackName, contentHash } from './stack/stack-convert';
export { serviceSpecDrift, normaliseServiceSpec, type DriftContext } from './stack/stack-drift';
export * from './exec';
export { NodeEngine, type NodeIdentity } from './node-agent/node-engine';
export { NodeStatsCollector, type ContainerUsage, type StatsCollectorOptions } from './node-agent/node-stats';
export { figuresOf, type ContainerFigures, type EngineStatsFrame } from './node-agent/container-stats';
export { NodeFacts, type NodeDiskUse, type NodeImage, type TaskLogLine } from './node-agent/node-facts';
export { SwarmAgentTasks, type AgentTask } from './node-agent/agent-tasks';
export { TaskLogKeeper, type KeptTaskLogs } from './node-agent/task-log-keeper';
