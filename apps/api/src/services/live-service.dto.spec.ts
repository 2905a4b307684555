import type { LiveService, TaskSummary } from '@app/swarm';
import { toLiveServiceDto, toTaskDto } from './live-service.dto';

describe('live service DTOs', () => {
  it('maps a live service without its internal version index', () => {
    const live: LiveService = {
      id: 's1',
      name: 'web',
      image: '10.99.0.1:5000/web:1.0',
      imageDigest: 'sha256:abc',
      mode: 'replicated',
      replicasDesired: 3,
      replicasRunning: 2,
      ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'host' }],
      stack: 'shop',
      labels: { 'com.docker.stack.namespace': 'shop' },
      updateStatus: { state: 'updating', message: 'update in progress', startedAt: '2026-11-24T00:00:00Z' },
      createdAt: '2026-11-23T00:00:00Z',
      updatedAt: '2026-11-24T00:00:00Z',
      version: 99,
    };
    const dto = toLiveServiceDto(live);
    expect(dto).toMatchObject({
      name: 'web',
      image: '10.99.0.1:5000/web:1.0',
      imageDigest: 'sha256:abc',
      replicasDesired: 3,
      replicasRunning: 2,
      stack: 'shop',
    });
    expect(dto.ports).toEqual([{ published: 8080, target: 80, protocol: 'tcp', mode: 'host' }]);
    expect(dto.updateStatus?.state).toBe('updating');
    expect(dto).not.toHaveProperty('version');
  });

  it('maps a task with its node, states, error and exit code, leaving the container id out', () => {
    const task: TaskSummary = {
      id: 't1',
      serviceId: 's1',
      serviceName: 'web',
      slot: 2,
      nodeId: 'n3',
      nodeHostname: 'rog1',
      desiredState: 'shutdown',
      state: 'failed',
      message: 'started',
      error: 'task: non-zero exit (1)',
      exitCode: 1,
      containerId: 'c0ffee',
      image: 'busybox:1.0',
      createdAt: '2026-11-24T00:00:00Z',
      updatedAt: '2026-11-24T00:00:05Z',
      timestamp: '2026-11-24T00:00:05Z',
    };
    const dto = toTaskDto(task);
    expect(dto).toMatchObject({
      slot: 2,
      nodeHostname: 'rog1',
      desiredState: 'shutdown',
      state: 'failed',
      error: 'task: non-zero exit (1)',
      exitCode: 1,
    });
    expect(dto).not.toHaveProperty('containerId');
  });
});
