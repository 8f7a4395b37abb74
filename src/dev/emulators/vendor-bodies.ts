import type { SampleSpec, VendorProduct } from './samples.ts';

/*
 * Renders a neutral sample into one product's response bodies at one API revision, following the vendor schemas:
 * Backup & Replication SessionModel / SessionLogResult / TaskSessionsResult (VeeamHub/veeam-vbr-sdk-go,
 * Cenvora/veeam-br), Backup for AWS Session / SessionLog / ProtectedItemsPage (VeeamHub/veeam-aws-sdk-go), and the
 * Google Cloud session fields a community script reads (UNCONFIRMED beyond those).
 */

/** A revision such as "1.3-rev2" as a comparable number. */
export function rank(version: string): number {
  const found = /^(\d+)\.(\d+)-rev(\d+)$/.exec(version);
  return found ? Number(found[1]) * 1_000_000 + Number(found[2]) * 1_000 + Number(found[3]) : 0;
}

const iso = (ms: number) => new Date(ms).toISOString();
// Backup & Replication writes local times with an offset; AWS task and session times come without a zone.
const withOffset = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 23)}+01:00`;
const zoneless = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}0000`.slice(0, 26);
const hms = (ms: number) => {
  const s = Math.round(ms / 1000);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
};

const VBR_RESULT = { success: 'Success', warning: 'Warning', failed: 'Failed', canceled: 'None', running: 'None' };
const VBR_RECORD = { info: 'None', ok: 'Succeeded', warning: 'Warning', failed: 'Failed' } as const;
const AWS_STATUS = {
  success: 'Succeeded',
  warning: 'Warning',
  failed: 'Failed',
  canceled: 'Canceled',
  running: 'Running',
};
const AWS_RESULT = {
  success: 'Success',
  warning: 'Warning',
  failed: 'Failed',
  canceled: 'Cancelled',
  running: 'Running',
};
const AWS_LOG = { info: 'Success', ok: 'Success', warning: 'Warning', failed: 'Error' } as const;
const GCP_RESULT = {
  success: 'Success',
  warning: 'Warning',
  failed: 'Failed',
  canceled: 'Canceled',
  running: 'Running',
};
const OBJECT_VBR = { ok: 'Success', warning: 'Warning', failed: 'Failed' } as const;
const OBJECT_AWS = { ok: 'Succeeded', warning: 'Warning', failed: 'Failed' } as const;

/** Evenly spaced step times across the session (or a minute apart while it runs). */
function stepTimes(spec: SampleSpec): { start: number; end: number }[] {
  const span = (spec.endMs ?? spec.startMs + spec.steps.length * 60_000) - spec.startMs;
  const each = Math.floor(span / Math.max(1, spec.steps.length));
  return spec.steps.map((_, i) => ({ start: spec.startMs + i * each, end: spec.startMs + (i + 1) * each }));
}

function uuidFrom(id: string, salt: string): string {
  return `${salt}${id.slice(salt.length)}`;
}

/** `GET /api/v1/sessions/{id}` of Backup & Replication. */
function vbrSession(spec: SampleSpec, version: string): Record<string, unknown> {
  const old = rank(version) < rank('1.2-rev0');
  const stopped = spec.endMs !== null;
  return {
    id: spec.id,
    name: spec.name,
    ...(old ? { activityId: uuidFrom(spec.id, 'ac') } : { jobId: uuidFrom(spec.id, 'b0') }),
    sessionType: spec.type ?? (old ? 'Job' : 'BackupJob'),
    creationTime: withOffset(spec.startMs),
    ...(stopped ? { endTime: withOffset(spec.endMs ?? 0) } : {}),
    state: stopped ? 'Stopped' : 'Working',
    progressPercent: stopped ? 100 : 40,
    result: {
      result: VBR_RESULT[spec.outcome],
      message: spec.message ?? '',
      isCanceled: spec.outcome === 'canceled',
    },
    usn: 1000 + Number(spec.id.slice(-4)),
    ...(old ? {} : { platformName: 'VMware', platformId: '00000000-0000-0000-0000-000000000000' }),
    ...(rank(version) >= rank('1.3-rev2') && spec.progress && stopped
      ? {
          progress: {
            progressPercent: 100,
            duration: hms((spec.endMs ?? 0) - spec.startMs),
            processingRate: '212 MB/s',
            bottleneck: 'Source',
            processedSize: 128_849_018_880,
            readSize: 85_899_345_920,
            transferredSize: 42_949_672_960,
          },
        }
      : {}),
  };
}

/** `GET /api/v1/sessions/{id}/logs`: newest first, as the published example lists them. */
function vbrLog(spec: SampleSpec): Record<string, unknown> {
  const times = stepTimes(spec);
  const records = spec.steps.map((step, i) => ({
    id: i + 1,
    status: VBR_RECORD[step.status],
    startTime: withOffset(times[i]?.start ?? spec.startMs),
    updateTime: withOffset(times[i]?.end ?? spec.startMs),
    title: step.text,
    description: '',
  }));
  return { totalRecords: records.length, records: records.reverse() };
}

/** `GET /api/v1/sessions/{id}/taskSessions`: one BackupTaskSessionModel per object. */
function vbrTasks(spec: SampleSpec): Record<string, unknown> {
  const data = (spec.objects ?? []).map((o, i) => ({
    id: uuidFrom(spec.id, `7a${String(i).padStart(2, '0')}`),
    type: 'Backup',
    sessionId: spec.id,
    sessionType: spec.type ?? 'BackupJob',
    name: o.name,
    creationTime: zoneless(spec.startMs),
    endTime: zoneless(spec.endMs ?? spec.startMs),
    state: 'Stopped',
    result: { result: OBJECT_VBR[o.status], message: '', isCanceled: false },
  }));
  return { data, pagination: { total: data.length, count: data.length, skip: 0, limit: 200 } };
}

/** `GET /api/v1/sessions/{id}` of Backup for AWS; `name` and a TimeSpan duration from 1.2-rev0 (community script). */
function awsSession(spec: SampleSpec, version: string): Record<string, unknown> {
  const later = rank(version) >= rank('1.2-rev0');
  const duration = spec.endMs === null ? 0 : spec.endMs - spec.startMs;
  return {
    id: spec.id,
    type: spec.type ?? 'Policy',
    ...(later ? { name: spec.name, extendedSessionType: 'PolicyBackup' } : {}),
    executionStartTime: zoneless(spec.startMs),
    ...(spec.endMs === null ? {} : { executionStopTime: zoneless(spec.endMs) }),
    executionDuration: later ? hms(duration) : duration,
    status: AWS_STATUS[spec.outcome],
    result: AWS_RESULT[spec.outcome],
    reason: 'Scheduled',
    usn: 2000 + Number(spec.id.slice(-4)),
    _links: [{ rel: 'SessionLogs', href: `/api/v1/sessions/${spec.id}/log`, method: 'GET' }],
  };
}

function awsLog(spec: SampleSpec): Record<string, unknown> {
  const times = stepTimes(spec);
  const log = spec.steps.map((step, i) => ({
    logTime: zoneless(times[i]?.end ?? spec.startMs),
    status: AWS_LOG[step.status],
    message: step.text,
    executionStartTime: zoneless(times[i]?.start ?? spec.startMs),
    executionDuration: (times[i]?.end ?? 0) - (times[i]?.start ?? 0),
  }));
  return { sessionId: spec.id, log };
}

function awsObjects(spec: SampleSpec): Record<string, unknown> {
  const results = (spec.objects ?? []).map((o, i) => ({
    id: `i-0${(0xabc000 + i).toString(16)}`,
    name: o.name,
    status: OBJECT_AWS[o.status],
    region: 'eu-west-1',
  }));
  return { totalCount: results.length, results };
}

/** A Google Cloud session; `message` is an assumed field name (UNCONFIRMED), the rest as a community script reads it. */
function gcpSession(spec: SampleSpec): Record<string, unknown> {
  return {
    id: spec.id,
    name: spec.name,
    sessionType: spec.type ?? 'PolicyBackup',
    result: GCP_RESULT[spec.outcome],
    creationTimeUtc: iso(spec.startMs),
    ...(spec.endMs === null ? {} : { endTimeUtc: iso(spec.endMs) }),
    ...(spec.message && spec.outcome !== 'success' ? { message: spec.message } : {}),
  };
}

/** The bodies of one sample for one product and revision; `log`/`objects` undefined where the product has none. */
export function vendorBodies(
  product: VendorProduct,
  spec: SampleSpec,
  version: string,
): { session: Record<string, unknown>; log: unknown; objects: unknown } {
  switch (product) {
    case 'vbr':
      return {
        session: vbrSession(spec, version),
        log: vbrLog(spec),
        objects: rank(version) >= rank('1.2-rev1') ? vbrTasks(spec) : undefined,
      };
    case 'aws':
      return { session: awsSession(spec, version), log: awsLog(spec), objects: awsObjects(spec) };
    default:
      return { session: gcpSession(spec), log: undefined, objects: undefined };
  }
}
