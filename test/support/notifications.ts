import type { HistoryFacts, Memory } from '../../src/core/history/model.ts';
import type { SessionContext } from '../../src/core/summary.ts';

/** A session context as a successful session call gives it: policy "Nightly", everything else unknown unless given. */
export function sessionContext(overrides: Partial<SessionContext> = {}): SessionContext {
  return {
    policyName: 'Nightly',
    type: null,
    status: null,
    startedAt: null,
    endedAt: null,
    url: null,
    durationMs: null,
    fetched: true,
    ...overrides,
  };
}

/** The memory of policy "Nightly" on the default appliance for a run that ended 2026-11-30 00:00 UTC: no facts unless given. */
export function memoryWith(facts: Partial<HistoryFacts>, endedAt = '2026-11-30T00:00:00Z'): Memory {
  return {
    key: { appliance: 'default', policy: 'Nightly' },
    endedAt,
    thread: null,
    facts: { change: false, streak: null, after: null, recovered: null, duration: null, ...facts },
  };
}
