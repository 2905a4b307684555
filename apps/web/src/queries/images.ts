import { queryOptions } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

/** Image updates (issue 19): a service's tag now names a newer digest. Refreshed by the `image-update` live event. */
export const imageKeys = {
  all: ['images'] as const,
  updates: () => [...imageKeys.all, 'updates'] as const,
};

export const imageUpdatesQuery = () =>
  queryOptions({ queryKey: imageKeys.updates(), queryFn: () => unwrap(api.GET('/api/images/updates')) });
