// For tests only (`@app/swarm/testing`): a raw dockerode client, to check what
// the swarm itself says behind the library's back. The app never imports this.
export { createDockerode } from './dockerode.factory';
