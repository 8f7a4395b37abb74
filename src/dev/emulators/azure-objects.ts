import { normalizeStatus, severityRank } from '../../core/status.ts';
import type { SampleSession } from '../sample-sessions.ts';

const MAX_SCANNED = 5_000;

/**
 * `GET /api/{v}/jobSessions/{id}/protectedItems` for an Azure sample (VB for Azure 8.1 `PageOfProtectedItem`): one item
 * per VM its log names ("… of 'db-01' …"), with this session's run at the worst status the log gave that VM.
 */
export function protectedItemsBody(sample: SampleSession): Record<string, unknown> {
  const worst = new Map<string, string>();
  let scanned = 0;
  for (const item of sample.logItems()) {
    // Benchmarks serve 100k-entry logs: the names come from the first entries, so the emulator stays cheap.
    if (++scanned > MAX_SCANNED) break;
    const vm = /of '([^']+)'/.exec(item.message ?? '')?.[1];
    if (vm === undefined) continue;
    const seen = worst.get(vm);
    const rank = (status: string) => severityRank(normalizeStatus(status).severity);
    if (seen === undefined || rank(item.status) < rank(seen)) worst.set(vm, item.status);
  }
  const results = [...worst].map(([name, status]) => ({
    resource: { id: `/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`, name },
    runs: [{ jobSessionId: sample.session.id, status }],
    successCount: normalizeStatus(status).severity === 'failed' ? 0 : 1,
    failureCount: normalizeStatus(status).severity === 'failed' ? 1 : 0,
  }));
  return { offset: 0, limit: 1000, totalCount: results.length, results };
}
