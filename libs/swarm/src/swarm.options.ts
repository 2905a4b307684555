import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DockerConnection } from './docker-connection';

export interface SwarmOptions {
  connection: DockerConnection;
  /** Bound for every Engine call; past it the call fails with UNAVAILABLE/TIMEOUT. */
  timeoutMs: number;
}

export const { ConfigurableModuleClass: SwarmConfigurableModule, MODULE_OPTIONS_TOKEN: SWARM_OPTIONS } =
  new ConfigurableModuleBuilder<SwarmOptions>().setClassMethodName('forRoot').build();
