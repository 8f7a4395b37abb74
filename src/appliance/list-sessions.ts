import type { JobSession, JobSessionPage, JobSessionQuery } from '../core/job-session.ts';
import { NotifierError } from '../errors.ts';
import type { Deadline } from '../ports.ts';

/** The appliance's session list (ApplianceClient.listSessions). */
export interface SessionLister {
  listSessions(query: JobSessionQuery, deadline: Deadline): Promise<JobSessionPage>;
  /** Whether `FromUtc` filters on the session's end time (then no look-back for long runs is needed). */
  readonly filtersOnEndTime?: boolean;
}

// A page loop that never ends means the server's paging is broken; 1,000 pages of 100 is far beyond any appliance.
const MAX_PAGES = 1_000;

/**
 * Lists every session matching `query`, following the server's own paging: the next offset is the page's `offset`
 * plus the results it actually returned, until `totalCount` is reached or a page comes back empty (a short page is
 * not taken as the last: servers may cap `Limit`).
 */
export async function listAllSessions(
  lister: SessionLister,
  query: Omit<JobSessionQuery, 'Offset' | 'Limit'>,
  pageSize: number,
  deadline: Deadline,
): Promise<{ sessions: JobSession[]; pages: number }> {
  const sessions: JobSession[] = [];
  let offset = 0;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await lister.listSessions({ ...query, Offset: offset, Limit: pageSize }, deadline);
    const results = page.results ?? [];
    sessions.push(...results);
    // A dialect that filters a page itself (session types) says how many the server served: that moves the offset.
    const served = page.served ?? results.length;
    offset = (page.offset ?? offset) + served;
    const total = page.totalCount ?? undefined;
    if (served === 0 || (total !== undefined && offset >= total)) return { sessions, pages };
  }
  throw new NotifierError('SOURCE_PAGING', `the session list did not end after ${MAX_PAGES} pages`, {
    retryable: false,
  });
}
