import { Global, Module } from '@nestjs/common';
import { DockerClient } from './docker.client';
import { SwarmEngine } from './swarm-engine';
import { SwarmEvents } from './swarm-events';
import { SwarmLogs } from './swarm-logs';
import { SwarmNodes } from './swarm-nodes';
import { SwarmServices } from './swarm-services';
import { SwarmConfigurableModule } from './swarm.options';
import { SwarmStacks } from './stack/swarm-stacks';
import { SwarmAgentTasks } from './node-agent/agent-tasks';

const PROVIDERS = [DockerClient, SwarmEngine, SwarmNodes, SwarmServices, SwarmLogs, SwarmEvents, SwarmStacks, SwarmAgentTasks];

@Global()
@Module({ providers: PROVIDERS, exports: [SwarmEngine, SwarmNodes, SwarmServices, SwarmLogs, SwarmEvents, SwarmStacks, SwarmAgentTasks] })
export class SwarmModule extends SwarmConfigurableModule {}
