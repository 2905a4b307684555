import type { DeployOutcome } from '@app/catalog';

/** Rows read per query; more are read in the same pass when a page comes back full. */
const PAGE = 500;
/** A deploy in progress for longer than this is no longer waited for (a deploy's own wait is at most 15 min). */
const STALE_IN_PROGRESS_MS = 3_600_000;

/**
 * Follows the deploy history for the latest finished deploy or rollback of each
 * service, without losing or repeating one.
 *
 * A record gets its id when the deploy starts and its outcome when it ends, so
 * outcomes do not arrive in id order (a long deploy started first ends after a
 * short one started later), and two can end in the same millisecond. The
 * cursor is therefore a floor, not the last id seen: every record at or below
 * it has been taken finished (or waited for too long); records above it are
 * read again each pass, and those already taken are remembered by id until the
 * floor passes them. An outcome is "latest" by its finish time, then its id, so
 * an older one read late does not hide a newer one.
 */
export class DeployOutcomeCursor {
  /** undefined until the first read. */
  private floor?: number;
  private readonly taken = new Set<number>();
  private readonly latestByService = new Map<string, DeployOutcome>();

  constructor(private readonly read: (afterId: number | undefined, limit: number) => Promise<DeployOutcome[]>) {}

  /** The latest finished outcome per service (succeeded or failed), as of the last `advance`. */
  get latest(): ReadonlyMap<string, DeployOutcome> {
    return this.latestByService;
  }

  /** Reads what was written since the last pass. */
  async advance(now = Date.now()): Promise<void> {
    const rows: DeployOutcome[] = [];
    let after = this.floor;
    for (;;) {
      const page = await this.read(after, PAGE);
      rows.push(...page);
      // the first read takes the newest page only: older history has been superseded
      if (page.length < PAGE || after === undefined) break;
      after = page[page.length - 1].id;
    }
    let floor = this.floor ?? (rows.length ? rows[0].id - 1 : 0);
    let blocked = false;
    for (const r of rows) {
      const finished = r.status !== 'in_progress';
      if (finished && !this.taken.has(r.id)) {
        this.taken.add(r.id);
        if (r.status === 'succeeded' || r.status === 'failed') this.take(r);
      }
      const waitedFor = !finished && now - Date.parse(r.at) < STALE_IN_PROGRESS_MS;
      if (waitedFor) blocked = true;
      if (!blocked) floor = Math.max(floor, r.id);
    }
    this.floor = floor;
    for (const id of this.taken) if (id <= floor) this.taken.delete(id);
  }

  private take(r: DeployOutcome): void {
    const held = this.latestByService.get(r.service);
    if (!held || r.at > held.at || (r.at === held.at && r.id > held.id)) this.latestByService.set(r.service, r);
  }
}
