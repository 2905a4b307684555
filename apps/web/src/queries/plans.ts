import { api, unwrap, type Schemas } from '@/api/client';

/** What a deploy or a drain would do, from the same route with `?dry_run=true`: nothing in the swarm changes. */
export type DeploymentPlan = Schemas['DeploymentPlanDto'];

// the routes declare their normal answer; with dry_run=true they answer a plan instead
export const planDeploy = async (name: string) =>
  (await unwrap(
    api.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { dry_run: true } } }),
  )) as unknown as DeploymentPlan;

export const planDrain = async (id: string) =>
  (await unwrap(api.POST('/api/nodes/{id}/drain', { params: { path: { id }, query: { dry_run: true } } }))) as unknown as DeploymentPlan;
