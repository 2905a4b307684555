/**
 * What POST /api/services/import answers for a file with several services
 * (unless `?split=true`): nothing is split, the file is offered as a stack,
 * which keeps its networks, configs, secrets and one namespace.
 */
export function stackSuggestion(services: string[], split = false): { suggested: boolean; services: string[]; hint: string } | undefined {
  if (services.length < 2 || split) return undefined;
  return {
    suggested: true,
    services,
    hint: 'a file with several services is a stack: POST /api/stacks { name, compose } keeps it whole (networks, configs, secrets, one namespace); POST /api/services/import?split=true makes one definition per service',
  };
}
