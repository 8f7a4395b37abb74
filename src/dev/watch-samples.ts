import type { LogItem } from '../core/session-log.ts';
import { SAMPLE_SESSIONS, type SampleJobSession, type SampleSession } from './sample-sessions.ts';

/** A session for the watcher's emulator runs: times relative to now, a log borrowed from a built-in sample. */
export interface WatchSampleSpec {
  readonly id: string;
  readonly policyName: string;
  readonly startMs: number;
  /** null while running. */
  readonly stopMs: number | null;
  /** Overall status; default Running while `stopMs` is null, else Success. */
  readonly status?: string;
  readonly type?: string;
}

// Which built-in log a session of each outcome shows: the documented success, the failure, the warnings.
const LOG_OF: Readonly<Record<string, string>> = { Error: '77', Failed: '77', Warning: '52' };

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A .NET TimeSpan "c" string for `ms`. */
function timeSpan(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const clock = `${pad(Math.floor(seconds / 3600) % 24)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return `${days > 0 ? `${days}.` : ''}${clock}.${pad((ms % 1000) * 10_000, 7)}`;
}

/** Builds an emulator session from `spec`; its log is the built-in sample matching its status. */
export function watchSample(spec: WatchSampleSpec): SampleSession {
  const status = spec.status ?? (spec.stopMs === null ? 'Running' : 'Success');
  const borrowed = SAMPLE_SESSIONS.get(LOG_OF[status] ?? '38');
  const session = {
    id: spec.id,
    type: spec.type ?? 'PolicyBackup',
    localizedType: 'Policy Backup',
    executionStartTime: new Date(spec.startMs).toISOString(),
    executionStopTime: spec.stopMs === null ? null : new Date(spec.stopMs).toISOString(),
    executionDuration: timeSpan((spec.stopMs ?? Date.now()) - spec.startMs),
    status,
    backupJobInfo: {
      policyId: `policy-${spec.policyName}`,
      policyName: spec.policyName,
      protectedInstancesCount: 2,
      policyRemoved: false,
    },
  } satisfies SampleJobSession;
  const items = (): Iterable<LogItem> => borrowed?.logItems() ?? [];
  return { session, logLength: borrowed?.logLength ?? 0, logItems: items };
}
