// The only code that talks to the Docker Engine (dockerode): nodes, services,
// tasks, logs and events of the swarm, as plain typed objects.
export * from './docker-connection';
export * from './dockerode.factory';
export * from './swarm.options';
export * from './swarm.module';
