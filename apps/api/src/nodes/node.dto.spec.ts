import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { NodeSummary } from '@app/swarm';
import { DrainNodeQuery, labelProblems, NodeIdParams, toNodeDto, UpdateNodeLabelsDto } from './node.dto';

const node: NodeSummary = {
  id: 'n1',
  hostname: 'spark1',
  role: 'worker',
  leader: false,
  availability: 'active',
  state: 'ready',
  address: '10.99.0.3',
  engineVersion: '27.3.1',
  os: 'linux',
  architecture: 'x86_64',
  cpus: 8,
  memoryBytes: 16e9,
  genericResources: [{ kind: 'NVIDIA-GPU', value: 'GPU-0' }],
  labels: { gpu: 'true' },
  engineLabels: { secret: 'engine-only' },
  version: 42,
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-02T00:00:00Z',
};

const errors = <T extends object>(cls: new () => T, plain: object) =>
  validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true }).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );

describe('node DTOs', () => {
  it('maps a node with its usage, leaving engine labels out', () => {
    const dto = toNodeDto(node, { runningTasks: 3, reservedCpus: 1.5, reservedMemoryBytes: 1e9 });
    expect(dto).toMatchObject({
      id: 'n1',
      hostname: 'spark1',
      role: 'worker',
      leader: false,
      availability: 'active',
      state: 'ready',
      architecture: 'x86_64',
      cpus: 8,
      memoryBytes: 16e9,
      genericResources: [{ kind: 'NVIDIA-GPU', value: 'GPU-0' }],
      labels: { gpu: 'true' },
      runningTasks: 3,
      reservedCpus: 1.5,
      reservedMemoryBytes: 1e9,
    });
    expect(dto).not.toHaveProperty('engineLabels');
  });

  it('reports zero usage for a node with no running task', () => {
    expect(toNodeDto(node)).toMatchObject({ runningTasks: 0, reservedCpus: 0, reservedMemoryBytes: 0 });
  });

  it('reads force as a boolean from a query string or a JSON body, refusing anything else', () => {
    expect(plainToInstance(DrainNodeQuery, { force: 'true' }).force).toBe(true);
    expect(plainToInstance(DrainNodeQuery, { force: false }).force).toBe(false);
    expect(errors(DrainNodeQuery, { force: 'yes' })).toEqual(['force must be true or false']);
  });

  it('validates a node id and label changes, naming what is wrong', () => {
    expect(errors(NodeIdParams, { id: 'spark1' })).toEqual([]);
    expect(errors(NodeIdParams, { id: '../etc' })).toEqual(['id must be a node id or hostname (letters, digits, ".", "_", "-")']);
    expect(errors(UpdateNodeLabelsDto, { add: { gpu: 'true' }, remove: ['old'] })).toEqual([]);
    expect(errors(UpdateNodeLabelsDto, { remove: 'old' })).toContain('remove must be an array of label keys');
    expect(errors(UpdateNodeLabelsDto, { remove: ['bad key'] })).toEqual(['remove contains an invalid label key']);
    expect(errors(UpdateNodeLabelsDto, { add: ['x'] })).toEqual(['add must be an object of label keys to string values']);
    expect(labelProblems({ ok: 'v', 'bad key': 'v', n: 3 })).toEqual(['add.bad key: invalid label key', 'add.n: must be a string']);
  });
});
