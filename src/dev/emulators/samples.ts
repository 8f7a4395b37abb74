/**
 * Sample sessions for Backup & Replication, Backup for AWS and Backup for Google Cloud, shaped as each product's REST API
 * returns them (field names, enums, time formats of the vendor schemas; see README "Appliance products"). One neutral
 * spec per sample is rendered into each vendor's bodies, at the API revision the client asked for.
 */

export type VendorProduct = 'vbr' | 'aws' | 'gcp';
type Outcome = 'success' | 'warning' | 'failed' | 'canceled' | 'running';
type StepStatus = 'info' | 'ok' | 'warning' | 'failed';

/** A product-neutral description of one session; `vendorBodies` renders it per product. */
export interface SampleSpec {
  readonly id: string;
  readonly name: string;
  /** The vendor's session type; default per product (BackupJob, Policy, PolicyBackup). */
  readonly type?: string;
  readonly outcome: Outcome;
  readonly startMs: number;
  /** null while running. */
  readonly endMs: number | null;
  /** The job's own result line (Backup & Replication `result.message`). */
  readonly message?: string;
  readonly steps: readonly { readonly status: StepStatus; readonly text: string }[];
  readonly objects?: readonly { readonly name: string; readonly status: 'ok' | 'warning' | 'failed' }[];
  /** Backup & Replication 1.3-rev2 `progress` statistics. */
  readonly progress?: boolean;
}

/** A sample as the emulator serves it: a product and its neutral spec. */
export interface ProductSample {
  readonly product: VendorProduct;
  readonly spec: SampleSpec;
}

const BASE = Date.parse('2026-11-25T02:00:00Z');
const MIN = 60_000;

const steps = (...list: [StepStatus, string][]) => list.map(([status, text]) => ({ status, text }));
/** `total` objects: the named failed and warning ones among healthy vm-NN, as a fleet job reports them. */
function fleet(
  failed: readonly string[],
  warning: readonly string[],
  total: number,
): NonNullable<SampleSpec['objects']> {
  const named = [
    ...failed.map((name) => ({ name, status: 'failed' as const })),
    ...warning.map((name) => ({ name, status: 'warning' as const })),
  ];
  const rest = Array.from({ length: total - named.length }, (_, i) => ({
    name: `vm-${String(i + 1).padStart(2, '0')}`,
    status: 'ok' as const,
  }));
  return [...rest.slice(0, 5), ...named, ...rest.slice(5)];
}

/** The five samples every product serves: success, failure with a result message, warnings, per-object failures, canceled. */
function specs(prefix: string, noun: string): SampleSpec[] {
  const id = (n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return [
    {
      id: id(1),
      name: 'Nightly File Servers',
      outcome: 'success',
      startMs: BASE,
      endMs: BASE + 14 * MIN,
      message: 'Job finished successfully',
      steps: steps(
        ['info', 'Job started'],
        ['ok', `Processing ${noun} fs-01`],
        ['ok', `Processing ${noun} fs-02`],
        ['ok', 'Job finished'],
      ),
      objects: [
        { name: 'fs-01', status: 'ok' },
        { name: 'fs-02', status: 'ok' },
      ],
      progress: true,
    },
    {
      id: id(2),
      name: 'Nightly SQL',
      outcome: 'failed',
      startMs: BASE + 60 * MIN,
      endMs: BASE + 71 * MIN,
      message: 'Error: Failed to connect to the backup repository "Repo-01": the network path was not found',
      steps: steps(
        ['info', 'Job started'],
        ['failed', 'Error: Failed to connect to the backup repository "Repo-01": the network path was not found'],
        ['failed', 'Job finished with error'],
      ),
      objects: [{ name: 'sql-01', status: 'failed' }],
    },
    {
      id: id(3),
      name: 'Weekly App Tier',
      outcome: 'warning',
      startMs: BASE + 120 * MIN,
      endMs: BASE + 150 * MIN,
      message: 'Job finished with warning: 1 of 3 objects had warnings',
      steps: steps(
        ['info', 'Job started'],
        ['ok', `Processing ${noun} app-01`],
        ['warning', `Processing ${noun} app-02: changed block tracking is disabled, full scan used`],
        ['ok', `Processing ${noun} app-03`],
        ['warning', 'Job finished with warning'],
      ),
      objects: [
        { name: 'app-01', status: 'ok' },
        { name: 'app-02', status: 'warning' },
        { name: 'app-03', status: 'ok' },
      ],
      progress: true,
    },
    {
      id: id(4),
      name: 'Production Fleet',
      outcome: 'failed',
      startMs: BASE + 180 * MIN,
      endMs: BASE + 242 * MIN,
      message: '3 of 40 objects failed to process',
      steps: steps(
        ['info', 'Job started'],
        ['failed', `Processing ${noun} db-01: Error: Failed to create snapshot (quiescing timed out)`],
        ['failed', `Processing ${noun} app-02: Error: Insufficient disk space on the proxy`],
        ['failed', `Processing ${noun} app-07: Error: Connection to the host was lost`],
        ['warning', `Processing ${noun} web-03: Guest processing skipped (credentials missing)`],
        ['failed', 'Job finished with error'],
      ),
      objects: fleet(['db-01', 'app-02', 'app-07'], ['web-03'], 40),
      progress: true,
    },
    {
      id: id(5),
      name: 'Dev Sandbox',
      outcome: 'canceled',
      startMs: BASE + 300 * MIN,
      endMs: BASE + 303 * MIN,
      message: 'Job was stopped by user CONTOSO\\admin',
      steps: steps(['info', 'Job started'], ['info', 'Job stopped by user CONTOSO\\admin']),
    },
  ];
}

/** The built-in samples per product (the golden-message tests take them one line each). */
export const PRODUCT_SAMPLES: Readonly<Record<VendorProduct, readonly ProductSample[]>> = {
  vbr: specs('0b1e5a01', 'VM').map((spec) => ({ product: 'vbr', spec })),
  aws: specs('0a3e5a02', 'instance').map((spec) => ({ product: 'aws', spec })),
  gcp: specs('06c95a03', 'instance').map((spec) => ({ product: 'gcp', spec })),
};
