import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from './agent-context';

/** Node facts the manager cannot give: data-root disk use, images present, logs of any task container on this node. */
export const factsRoutes: FastifyPluginAsync<AgentContext> = async (app, ctx) => {
  app.get('/v1/disk', async () => ({ dataRoot: (await ctx.identity()).dataRoot, ...(await ctx.facts.diskUse()) }));

  app.get('/v1/images', () => ctx.facts.images());

  app.get<{ Params: { taskId: string }; Querystring: { tail?: string; timestamps?: string } }>(
    '/v1/tasks/:taskId/logs',
    {
      schema: {
        params: { type: 'object', properties: { taskId: { type: 'string', pattern: '^[a-z0-9]{1,64}$' } }, required: ['taskId'] },
        querystring: {
          type: 'object',
          properties: { tail: { type: 'string', pattern: '^(all|[0-9]{1,6})$' }, timestamps: { type: 'string', enum: ['true', 'false'] } },
        },
      },
    },
    async (req) => {
      const tail = req.query.tail === undefined ? 200 : req.query.tail === 'all' ? undefined : Number(req.query.tail);
      const lines = await ctx.facts.taskLogs(req.params.taskId, { tail, timestamps: req.query.timestamps === 'true' });
      return { taskId: req.params.taskId, lines };
    },
  );
};
