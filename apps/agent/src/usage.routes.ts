import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from './agent-context';

/** The node's identity and the latest figures of every running container (from the open stats streams: no Engine call). */
export const usageRoutes: FastifyPluginAsync<AgentContext> = async (app, ctx) => {
  app.get('/v1/info', async () => ({
    node: await ctx.identity(),
    streamsOpen: ctx.stats.streamsOpen,
    streamsOpened: ctx.stats.streamsOpened,
  }));

  app.get('/v1/usage', async () => {
    const [node, gpu] = await Promise.all([ctx.identity(), ctx.gpu()]);
    return { node, sampledAt: new Date().toISOString(), containers: ctx.stats.sample(), gpu, streamsOpen: ctx.stats.streamsOpen };
  });
};
