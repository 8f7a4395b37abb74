import { sessionContextFrom } from '../../src/core/context.ts';
import { JobSessionSchema } from '../../src/core/job-session.ts';
import type { SessionLog } from '../../src/core/session-log.ts';
import { summarize } from '../../src/core/summarize.ts';
import type { Notification, ProblemReport } from '../../src/core/summary.ts';
import { SAMPLE_SESSIONS, type SampleSession, sampleFromLog } from '../../src/dev/sample-sessions.ts';
import { loadSessionLog } from '../support/load-fixture.ts';

/** The console link every golden message carries, as SESSION_URL_TEMPLATE would set it. */
export const GOLDEN_URL_TEMPLATE = 'https://backup.example.com/#/sessions/{sessionId}';

/** One sample session as the golden files show it: a folder name and the notification the notifier would build. */
export interface GoldenSample {
  /** The folder under test/golden/ holding this sample's payloads, e.g. "77-failure". */
  readonly name: string;
  /** Built on demand, inside the test, so mutation testing credits the tests that read it. */
  readonly notification: () => Notification;
}

/** A notification for a sample the appliance emulator serves: its log summarized, its metadata as the session call returns it. */
export function sampleNotification(sessionId: string, sample: SampleSession): Notification {
  const log: SessionLog = { jobSessionId: sessionId, log: Array.from(sample.logItems()) };
  const jobSession = JobSessionSchema.parse(JSON.parse(JSON.stringify(sample.session)));
  return {
    kind: 'summary',
    summary: summarize(sessionId, log),
    session: sessionContextFrom(sessionId, jobSession, { urlTemplate: GOLDEN_URL_TEMPLATE }),
  };
}

/** A golden sample from a SampleSession (any appliance family's samples can be given in this shape). */
export function fromSample(name: string, sessionId: string, sample: SampleSession | undefined): GoldenSample {
  if (sample === undefined) throw new Error(`golden sample ${name}: no sample session ${sessionId}`);
  return { name, notification: () => sampleNotification(sessionId, sample) };
}

/** A golden sample for a log the appliance could not give, as the notifier reports it. */
function unreadable(name: string, problem: ProblemReport, policyName?: string): GoldenSample {
  return {
    name,
    notification: () => ({
      kind: 'problem',
      problem,
      session: sessionContextFrom(problem.sessionId, undefined, { policyName, urlTemplate: GOLDEN_URL_TEMPLATE }),
    }),
  };
}

/** A fixture log whose session the appliance reports as `status`, its times taken from the log. */
function fromFixture(
  name: string,
  sessionId: string,
  fixture: string,
  policyName: string,
  status?: string,
): GoldenSample {
  return {
    name,
    notification: () => {
      const items = loadSessionLog(fixture).log ?? [];
      const sample = sampleFromLog(sessionId, policyName, items.length, () => items, status ? { status } : {});
      return sampleNotification(sessionId, sample);
    },
  };
}

/**
 * Every sample the golden files cover, one line each. To add an appliance family's samples (vbr, aws, gcp), add one line
 * per sample here, e.g. `fromSample('vbr-failure', '1042', VBR_SAMPLE_SESSIONS.get('1042'))`, or
 * `{ name: 'gcp-warnings', notification: () => gcpNotification(…) }` when the family builds its notification otherwise;
 * then run `UPDATE_GOLDEN=1 npx vitest run test/golden`, review the new files and commit them.
 */
export const GOLDEN_SAMPLES: readonly GoldenSample[] = [
  fromSample('38-success', '38', SAMPLE_SESSIONS.get('38')),
  fromSample('52-warnings', '52', SAMPLE_SESSIONS.get('52')),
  fromSample('77-failure', '77', SAMPLE_SESSIONS.get('77')),
  fromFixture('43-empty', '43', 'empty', 'Empty-Policy', 'Success'),
  fromSample('60-canceled', '60', SAMPLE_SESSIONS.get('60')),
  fromSample('90-huge', '90', SAMPLE_SESSIONS.get('90')),
  fromFixture('49-hostile-text', '49', 'hostile-message', 'Ops <!channel> *bold*'),
  unreadable('999-unreadable', {
    sessionId: '999',
    failure: 'not-found',
    statusCode: 404,
    detail: 'backup appliance: session 999 was not found (404)',
  }),
  unreadable(
    '403-unreadable-forbidden',
    {
      sessionId: '403',
      failure: 'forbidden',
      statusCode: 403,
      detail: 'backup appliance: access to session 403 was refused (403): the account lacks the Read-Only User role',
    },
    'Nightly-Azure-VMs',
  ),
];
