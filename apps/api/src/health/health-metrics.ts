import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthSnapshot } from './health-snapshot';

/** Prometheus metrics: the cluster as the monitor sees it, and the API's own HTTP traffic. */
@Injectable()
export class HealthMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly nodes = new Gauge({
    name: 'swarm_nodes',
    help: 'Nodes by state and availability',
    labelNames: ['state', 'availability'],
    registers: [this.registry],
  });
  private readonly desired = new Gauge({
    name: 'swarm_service_replicas_desired',
    help: 'Desired replicas per service',
    labelNames: ['service'],
    registers: [this.registry],
  });
  private readonly running = new Gauge({
    name: 'swarm_service_replicas_running',
    help: 'Running replicas per service',
    labelNames: ['service'],
    registers: [this.registry],
  });
  private readonly pollDuration = new Histogram({
    name: 'swarm_health_poll_duration_seconds',
    help: 'Duration of a health poll',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly dockerUp = new Gauge({ name: 'swarm_docker_up', help: '1 when the Docker Engine answers', registers: [this.registry] });
  private readonly registryUp = new Gauge({
    name: 'swarm_registry_up',
    help: '1 when the registry answers (0 also when none is configured)',
    registers: [this.registry],
  });
  // lets an alert on swarm_registry_up tell "unreachable" from "none configured"
  private readonly registryConfigured = new Gauge({
    name: 'swarm_registry_configured',
    help: '1 when a registry is configured (REGISTRY_URL)',
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(private readonly http: HttpAdapterHost) {
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleInit(): void {
    const fastify = this.http.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    // the stdio MCP server has no HTTP server
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', async (request, reply) => {
      // the route pattern, never the raw URL: one series per route, not per service name
      const route = request.routeOptions?.url ?? 'unmatched';
      this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      this.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  }

  observe(s: HealthSnapshot): void {
    this.dockerUp.set(s.docker.reachable ? 1 : 0);
    this.registryUp.set(s.registry.reachable ? 1 : 0);
    this.registryConfigured.set(s.registry.configured ? 1 : 0);
    if (s.lastPollDurationMs !== undefined) this.pollDuration.observe(s.lastPollDurationMs / 1000);
    if (!s.docker.reachable) return;
    this.nodes.reset();
    for (const n of s.nodes) this.nodes.inc({ state: n.state, availability: n.availability });
    this.desired.reset();
    this.running.reset();
    for (const svc of s.services) {
      this.desired.set({ service: svc.name }, svc.desired);
      this.running.set({ service: svc.name }, svc.running);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
