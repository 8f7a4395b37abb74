import type { LogItem, SessionLog } from '../core/session-log.ts';

/**
 * Sample data the appliance emulator serves (also `npm start`, tests and benchmarks).
 * Shapes follow /work/shared/docs/backup-api.md §2 (JobSession, JobSessionLog) and log-endpoint-reference.txt.
 */

/** Session metadata as `GET /api/{v}/jobSessions/{id}` returns it (backup-api.md §2 `JobSession`). */
export interface SampleJobSession {
  readonly id: string;
  readonly type: string;
  readonly localizedType: string;
  readonly executionStartTime: string | null;
  readonly executionStopTime: string | null;
  readonly executionDuration: string;
  readonly status: string;
  readonly backupJobInfo: {
    readonly policyId: string;
    readonly policyName: string;
    readonly protectedInstancesCount: number;
    readonly policyRemoved: boolean;
  };
}

/** One sample: its metadata and a re-iterable log, generated on demand so a 100k-entry log is never held whole. */
export interface SampleSession {
  readonly session: SampleJobSession;
  readonly logLength: number;
  logItems(): Iterable<LogItem>;
}

// The documented example (log-endpoint-reference.txt), verbatim: 4 Success steps spanning 7m 38s.
const SESSION_38_LOG: readonly LogItem[] = [
  {
    logTime: '2020-02-05T10:43:57.039827Z',
    status: 'Success',
    message: 'Backup plan creation has finished',
    executionStartTime: '2020-02-05T10:43:57.039845Z',
    executionDuration: '00:02:33.8496840',
  },
  {
    logTime: '2020-02-05T10:46:30.897649Z',
    status: 'Success',
    message: "Snapshot backup of 'tw-vm2' has finished",
    executionStartTime: '2020-02-05T10:46:30.897721Z',
    executionDuration: '00:02:09.7753450',
  },
  {
    logTime: '2020-02-05T10:48:40.67325Z',
    status: 'Success',
    message: "Repository backup of 'tw-vm2' has finished",
    executionStartTime: '2020-02-05T10:48:40.67461Z',
    executionDuration: '00:02:52.9666850',
  },
  {
    logTime: '2020-02-05T10:51:33.641329Z',
    status: 'Success',
    message: "Snapshot retention of 'tw-vm2' has finished: removed 1 restore point (127 GB).",
    executionStartTime: '2020-02-05T10:51:33.646789Z',
    executionDuration: '00:00:01.4468860',
  },
];

const SESSION_77_LOG: readonly LogItem[] = [
  {
    logTime: '2024-03-12T01:00:04.118204Z',
    status: 'Success',
    message: 'Backup plan creation has finished',
    executionStartTime: '2024-03-12T01:00:04.118251Z',
    executionDuration: '00:00:41.2209310',
  },
  {
    logTime: '2024-03-12T01:00:45.351087Z',
    status: 'Success',
    message: "Snapshot backup of 'web-01' has finished",
    executionStartTime: '2024-03-12T01:00:45.351140Z',
    executionDuration: '00:03:12.5521870',
  },
  {
    logTime: '2024-03-12T01:00:45.362918Z',
    status: 'Warning',
    message:
      "Snapshot backup of 'app-02' finished with warning: Azure VM agent is not responding; a crash-consistent snapshot was taken instead of an application-consistent one",
    executionStartTime: '2024-03-12T01:00:45.362977Z',
    executionDuration: '00:04:58.0193440',
  },
  {
    logTime: '2024-03-12T01:00:45.371533Z',
    status: 'Error',
    message:
      "Snapshot backup of 'db-01' has failed: The client 'veeam-backup-sp' does not have authorization to perform action 'Microsoft.Compute/snapshots/write' over scope '/subscriptions/3f1c/resourceGroups/rg-prod-db'",
    executionStartTime: '2024-03-12T01:00:45.371602Z',
    executionDuration: '00:00:07.9025110',
  },
  {
    logTime: '2024-03-12T01:05:43.401776Z',
    status: 'Success',
    message: "Repository backup of 'web-01' has finished",
    executionStartTime: '2024-03-12T01:05:43.401820Z',
    executionDuration: '00:11:36.4473950',
  },
  {
    logTime: '2024-03-12T01:05:43.415006Z',
    status: 'Error',
    message:
      "Repository backup of 'app-02' has failed: Failed to upload data to repository 'blob-repo-westeurope': The specified container does not exist.",
    executionStartTime: '2024-03-12T01:05:43.415071Z',
    executionDuration: '00:01:02.3381200',
  },
];

const SESSION_52_LOG: readonly LogItem[] = [
  {
    logTime: '2024-03-10T22:00:02.551903Z',
    status: 'Success',
    message: 'Backup plan creation has finished',
    executionStartTime: '2024-03-10T22:00:02.551960Z',
    executionDuration: '00:00:38.6602210',
  },
  {
    logTime: '2024-03-10T22:00:41.220417Z',
    status: 'Success',
    message: "Snapshot backup of 'sql-01' has finished",
    executionStartTime: '2024-03-10T22:00:41.220480Z',
    executionDuration: '00:02:47.1198800',
  },
  {
    logTime: '2024-03-10T22:00:41.229351Z',
    status: 'Warning',
    message:
      "Snapshot backup of 'sql-02' finished with warning: Disk 'sql-02-data3' is excluded because it is an Ultra disk, which snapshots do not support",
    executionStartTime: '2024-03-10T22:00:41.229410Z',
    executionDuration: '00:02:51.0047730',
  },
  {
    logTime: '2024-03-10T22:03:32.243904Z',
    status: 'Success',
    message: "Repository backup of 'sql-01' has finished",
    executionStartTime: '2024-03-10T22:03:32.243966Z',
    executionDuration: '00:14:05.3315090',
  },
  {
    logTime: '2024-03-10T22:03:32.257180Z',
    status: 'Warning',
    message:
      "Repository backup of 'sql-02' finished with warning: Restore point is not immutable because repository 'blob-repo-archive' has immutability disabled",
    executionStartTime: '2024-03-10T22:03:32.257231Z',
    executionDuration: '00:13:44.8730020',
  },
  {
    logTime: '2024-03-10T22:17:37.590101Z',
    status: 'Success',
    message: "Snapshot retention of 'sql-01' has finished: removed 2 restore points (412 GB).",
    executionStartTime: '2024-03-10T22:17:37.590166Z',
    executionDuration: '00:00:03.0091240',
  },
];

// Deterministic PRNG (mulberry32) so generated logs are identical on every run and machine.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** ISO-8601 UTC with microseconds, as the appliance writes it ("2020-02-05T10:43:57.039845Z"). */
function isoMicros(epochMicros: number): string {
  const millis = Math.floor(epochMicros / 1000);
  const micros = String(epochMicros - millis * 1000).padStart(3, '0');
  return `${new Date(millis).toISOString().slice(0, -1)}${micros}Z`;
}

/** A .NET TimeSpan in "c" format with 7 fractional digits ("00:02:33.8496840", "1.02:03:04.5000000"). */
function timeSpan(micros: number): string {
  const totalSeconds = Math.floor(micros / 1_000_000);
  const ticks = (micros - totalSeconds * 1_000_000) * 10;
  const days = Math.floor(totalSeconds / 86_400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor(totalSeconds / 3600) % 24)}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
  return `${days > 0 ? `${days}.` : ''}${clock}.${String(ticks).padStart(7, '0')}`;
}

const WARNINGS = [
  (vm: string) =>
    `Snapshot backup of '${vm}' finished with warning: Azure VM agent is not responding; a crash-consistent snapshot was taken instead of an application-consistent one`,
  (vm: string) =>
    `Repository backup of '${vm}' finished with warning: Disk '${vm}-data1' is excluded because it exceeds the maximum supported size`,
];
const ERRORS = [
  (vm: string) =>
    `Snapshot backup of '${vm}' has failed: Operation 'Microsoft.Compute/snapshots/write' was throttled by Azure Resource Manager (TooManyRequests). Retry limit reached.`,
  (vm: string) =>
    `Repository backup of '${vm}' has failed: Failed to upload data to repository 'blob-repo-westeurope': The specified container does not exist.`,
];
const SUCCESSES = [
  (vm: string) => `Snapshot backup of '${vm}' has finished`,
  (vm: string) => `Repository backup of '${vm}' has finished`,
  (vm: string, gb: number) => `Snapshot retention of '${vm}' has finished: removed 1 restore point (${gb} GB).`,
];

/**
 * Yields `n` realistic log entries, the same ones for the same seed: ~2% warnings, ~0.5% errors,
 * overlapping steps (VMs are processed in parallel), ~230 bytes of JSON each (100k entries ≈ 23 MB).
 */
export function* generateLogItems(n: number, seed: number): Generator<LogItem> {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] ?? (list[0] as T);
  const vmCount = Math.max(1, Math.ceil(n / 4));
  // Sessions start at 01:00 UTC on a day derived from the seed, so different seeds do not collide.
  let clock = (Date.UTC(2024, 0, 1, 1, 0, 0) + (seed % 365) * 86_400_000) * 1000;
  for (let index = 0; index < n; index++) {
    const vm = `vm-${String(Math.floor(random() * vmCount)).padStart(5, '0')}`;
    const roll = random();
    const [status, message] =
      index === 0
        ? ['Success', 'Backup plan creation has finished']
        : roll < 0.005
          ? ['Error', pick(ERRORS)(vm)]
          : roll < 0.025
            ? ['Warning', pick(WARNINGS)(vm)]
            : ['Success', pick(SUCCESSES)(vm, 1 + Math.floor(random() * 500))];
    const startMicros = clock + 18 + Math.floor(random() * 60);
    const durationMicros = 1_000_000 + Math.floor(random() * 179_000_000);
    yield {
      logTime: isoMicros(clock),
      status,
      message,
      executionStartTime: isoMicros(startMicros),
      executionDuration: timeSpan(durationMicros),
    };
    clock += 50_000 + Math.floor(random() * 200_000);
  }
}

/** The whole generated log of `sessionId` as the endpoint's body; fine up to ~100k entries (≈ 23 MB). */
export function generateLog(sessionId: string, n: number, seed: number): SessionLog {
  return { jobSessionId: sessionId, log: Array.from(generateLogItems(n, seed)) };
}

function worstStatus(items: Iterable<LogItem>): string {
  let worst = 'Success';
  for (const item of items) {
    if (item.status === 'Error') return 'Error';
    if (item.status === 'Warning') worst = 'Warning';
  }
  return worst;
}

function micros(iso: string): number {
  const [, fraction = ''] = /\.(\d+)Z$/.exec(iso) ?? [];
  return Math.floor(Date.parse(iso) / 1000) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

function spanMicros(item: LogItem): [number, number] | undefined {
  if (typeof item.executionStartTime !== 'string' || typeof item.executionDuration !== 'string') return undefined;
  const match = /^(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(item.executionDuration);
  if (match === null) return undefined;
  const [, d = '0', h = '0', m = '0', s = '0', f = ''] = match;
  const seconds = ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s);
  const start = micros(item.executionStartTime);
  return [start, start + seconds * 1_000_000 + Math.floor(Number(f.padEnd(7, '0')) / 10)];
}

function policyId(sessionId: string): string {
  const hex = Array.from(sessionId, (c) => c.charCodeAt(0).toString(16))
    .join('')
    .padStart(12, '0')
    .slice(-12);
  return `5b0c7d3e-1f2a-4c6b-9e8d-${hex}`;
}

/** Builds a sample whose metadata (status, start, stop, duration) is derived from its log, as the appliance would. */
export function sampleFromLog(
  sessionId: string,
  policyName: string,
  logLength: number,
  logItems: () => Iterable<LogItem>,
  overrides: Partial<Pick<SampleJobSession, 'status' | 'executionDuration'>> = {},
): SampleSession {
  let first: number | undefined;
  let last: number | undefined;
  const vms = new Set<string>();
  for (const item of logItems()) {
    const span = spanMicros(item);
    if (span !== undefined) {
      first = Math.min(first ?? span[0], span[0]);
      last = Math.max(last ?? span[1], span[1]);
    }
    const vm = /of '([^']+)'/.exec(item.message ?? '')?.[1];
    if (vm !== undefined) vms.add(vm);
  }
  const session: SampleJobSession = {
    id: sessionId,
    type: 'PolicyBackup',
    localizedType: 'Policy Backup',
    executionStartTime: first === undefined ? null : isoMicros(first),
    executionStopTime: last === undefined ? null : isoMicros(last),
    executionDuration:
      overrides.executionDuration ?? (first === undefined || last === undefined ? '00:00:00' : timeSpan(last - first)),
    status: overrides.status ?? worstStatus(logItems()),
    backupJobInfo: {
      policyId: policyId(sessionId),
      policyName,
      protectedInstancesCount: vms.size,
      policyRemoved: false,
    },
  };
  return { session, logLength, logItems };
}

/** A generated sample of `n` entries (see generateLogItems), for big-log tests and benchmarks. */
export function generatedSample(
  sessionId: string,
  n: number,
  seed: number,
  policyName = 'Large-Estate-VMs',
): SampleSession {
  return sampleFromLog(sessionId, policyName, n, () => generateLogItems(n, seed));
}

const fixed = (sessionId: string, policyName: string, log: readonly LogItem[]): SampleSession =>
  sampleFromLog(sessionId, policyName, log.length, () => log);

/**
 * The built-in samples by session ID: "38" the documented success (7m 38s), "77" failed, "52" finished with warnings,
 * "60" an empty log, "90" a generated 2,000-step log with some warnings and failures.
 */
export const SAMPLE_SESSIONS: ReadonlyMap<string, SampleSession> = new Map([
  ['38', fixed('38', 'Daily-tw-vm2', SESSION_38_LOG)],
  ['77', fixed('77', 'Nightly-Azure-VMs', SESSION_77_LOG)],
  ['52', fixed('52', 'Weekly-SQL-Servers', SESSION_52_LOG)],
  // Nothing ran: the appliance still records the session, with an empty log.
  [
    '60',
    sampleFromLog('60', 'Dev-Sandbox-VMs', 0, () => [], { status: 'Canceled', executionDuration: '00:00:00.4120000' }),
  ],
  ['90', generatedSample('90', 2000, 90)],
]);

/** The log body of a built-in sample, materialised; throws for an unknown ID (a test bug, not a runtime case). */
export function sampleLog(sessionId: string): SessionLog {
  const sample = SAMPLE_SESSIONS.get(sessionId);
  if (sample === undefined) throw new Error(`no sample session ${sessionId}`);
  return { jobSessionId: sessionId, log: Array.from(sample.logItems()) };
}
