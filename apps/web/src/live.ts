import type { QueryClient } from '@tanstack/vue-query';
import { ref } from 'vue';
import { subscribeSse } from './api/sse';
import { alertKeys } from './queries/alerts';
import { healthKeys } from './queries/health';
import { imageKeys } from './queries/images';
import { nodeKeys } from './queries/nodes';
import { serviceKeys } from './queries/services';

export const liveConnected = ref(false);

/**
 * Keeps the cache fresh from /api/events: a change made anywhere (even the docker CLI) shows without a reload.
 * Each event refreshes whatever it can change: a service's replicas move tasks on and off nodes, so service
 * events refresh the nodes' task counts and reservations too.
 */
export function startLiveUpdates(qc: QueryClient): () => void {
  const abort = new AbortController();
  void subscribeSse(
    '/api/events',
    (event) => {
      if (event === 'snapshot') return;
      if (event === 'image-update') void qc.invalidateQueries({ queryKey: imageKeys.all });
      if (event === 'node' || event === 'service' || event === 'replicas' || event === 'task-failure') {
        void qc.invalidateQueries({ queryKey: nodeKeys.all });
        void qc.invalidateQueries({ queryKey: serviceKeys.all });
      }
      void qc.invalidateQueries({ queryKey: healthKeys.all });
      // alerts have no event of their own: what fires or resolves them arrives as health, node and task events
      void qc.invalidateQueries({ queryKey: alertKeys.all });
    },
    abort.signal,
    (c) => (liveConnected.value = c),
  );
  return () => {
    abort.abort();
    liveConnected.value = false;
  };
}
