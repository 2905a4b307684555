import type { CatalogItem } from '@app/catalog';
import type { LiveService } from '@app/swarm';
import { toCatalogServiceDto } from './catalog-entry.dto';

const item = { name: 'web', text: '', definition: { name: 'web', image: 'r/web:1' } } as unknown as CatalogItem;
const live = (running: number, desired: number, state?: string, message?: string): LiveService => ({
  id: 's',
  name: 'web',
  image: 'r/web:1',
  mode: 'replicated',
  replicasDesired: desired,
  replicasRunning: running,
  ports: [],
  labels: {},
  updateStatus: state ? { state, message } : undefined,
  version: 1,
});
const status = (l: LiveService) => {
  const { status, statusText } = toCatalogServiceDto(item, l, true);
  return [status, statusText];
};

/** The status says what the Engine's UpdateStatus says first, so the header never contradicts the rollback panel. */
describe('a catalog service status', () => {
  it('follows an update or a rollback in progress, whatever the counts', () => {
    expect(status(live(1, 1, 'updating'))).toEqual(['updating', 'updating: 1 of 1 running']);
    expect(status(live(0, 1, 'rollback_started'))).toEqual(['updating', 'rolling back: 0 of 1 running']);
  });

  it('says a paused update or rollback is degraded, with the Engine reason', () => {
    expect(status(live(1, 1, 'paused', 'task failed'))).toEqual(['degraded', 'update paused: task failed; running 1 of 1']);
    expect(status(live(0, 1, 'rollback_paused'))).toEqual(['degraded', 'rollback paused; running 0 of 1']);
  });

  it('ends a rollback as rolled back, running when the replicas run', () => {
    expect(status(live(1, 1, 'rollback_completed'))).toEqual(['running', 'rolled back; running 1 of 1']);
    expect(status(live(0, 1, 'rollback_completed'))).toEqual(['degraded', 'rolled back; running 0 of 1']);
    expect(status(live(2, 2, 'completed'))).toEqual(['running', 'running 2 of 2']);
  });
});
