import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { HealthMetrics } from '../health/health-metrics';
import type { NodeUsageNow } from './usage.service';

type TaskLabels = 'service' | 'task' | 'node';

/**
 * Resource use on /metrics, in the app's one registry: a series per running
 * task (service, task, node labels) and per node, so Prometheus keeps the long
 * history the app does not.
 */
@Injectable()
export class UsageMetrics {
  private readonly task: Record<string, Gauge<TaskLabels>>;
  private readonly node: Record<string, Gauge<'node'>>;
  private readonly agentUp: Gauge<'node'>;

  constructor(metrics: HealthMetrics) {
    const registers = [metrics.registry];
    const taskGauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ['service', 'task', 'node'] as const, registers });
    const nodeGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['node'] as const, registers });
    this.task = {
      cpuPercent: taskGauge('swarm_task_cpu_percent', 'CPU use of a task container, percent of one CPU'),
      memoryBytes: taskGauge('swarm_task_memory_bytes', 'Memory used by a task container (without inactive page cache, as docker stats)'),
      memoryLimitBytes: taskGauge('swarm_task_memory_limit_bytes', "A task container's memory limit (the node's memory when unlimited)"),
      networkRxBytes: taskGauge('swarm_task_network_receive_bytes', 'Bytes received by a task container since it started'),
      networkTxBytes: taskGauge('swarm_task_network_transmit_bytes', 'Bytes sent by a task container since it started'),
      blockReadBytes: taskGauge('swarm_task_block_read_bytes', 'Bytes read from block devices by a task container'),
      blockWriteBytes: taskGauge('swarm_task_block_write_bytes', 'Bytes written to block devices by a task container'),
    };
    this.node = {
      cpuPercent: nodeGauge('swarm_node_cpu_percent', "CPU use of a node's containers, percent of one CPU"),
      memoryBytes: nodeGauge('swarm_node_memory_bytes', "Memory used by a node's containers"),
      memoryTotalBytes: nodeGauge('swarm_node_memory_total_bytes', "A node's memory"),
      cpus: nodeGauge('swarm_node_cpus', "A node's CPUs"),
    };
    this.agentUp = nodeGauge('swarm_agent_up', "1 when the node's agent answered the last sample");
  }

  observe(nodes: NodeUsageNow[], agents: Array<{ hostname: string; connected: boolean }>): void {
    for (const g of [...Object.values(this.task), ...Object.values(this.node)]) g.reset();
    this.agentUp.reset();
    for (const a of agents) this.agentUp.set({ node: a.hostname }, a.connected ? 1 : 0);
    for (const n of nodes) {
      const node = n.hostname;
      this.node.cpuPercent.set({ node }, n.total.cpuPercent);
      this.node.memoryBytes.set({ node }, n.total.memoryBytes);
      this.node.memoryTotalBytes.set({ node }, n.memoryTotalBytes);
      this.node.cpus.set({ node }, n.cpus);
      for (const c of n.containers) {
        if (!c.serviceName || !c.taskId) continue;
        const labels = { service: c.serviceName, task: c.taskId, node };
        for (const [field, gauge] of Object.entries(this.task))
          gauge.set(labels, c[field as keyof typeof this.task & keyof typeof c] as number);
      }
    }
  }
}
