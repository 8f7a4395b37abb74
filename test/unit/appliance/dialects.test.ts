import { describe, expect, it } from 'vitest';
import { awsSession } from '../../../src/appliance/dialects/aws.ts';
import { gcpSession } from '../../../src/appliance/dialects/gcp.ts';
import { revisionRank } from '../../../src/appliance/dialects/types.ts';
import { vbrDialect, vbrLog, vbrSession } from '../../../src/appliance/dialects/vbr.ts';
import { normalizeStatus } from '../../../src/core/status.ts';
import { parseDuration } from '../../../src/core/time.ts';

const ID = '0b1e5a01-0000-4000-8000-000000000001';

describe('Backup & Replication mapping', () => {
  it('maps a stopped, failed session with its result message, job and times', () => {
    const session = vbrSession({
      id: ID,
      name: 'Nightly SQL',
      jobId: 'b0000000-0000-4000-8000-000000000001',
      sessionType: 'BackupJob',
      creationTime: '2023-12-04T06:13:34.983+01:00',
      endTime: '2023-12-04T06:20:00+01:00',
      state: 'Stopped',
      result: { result: 'Failed', message: 'Error: repository unavailable', isCanceled: false },
    });
    expect(session).toMatchObject({
      id: ID,
      status: 'Failed',
      type: 'BackupJob',
      resultMessage: 'Error: repository unavailable',
      backupJobInfo: { policyName: 'Nightly SQL', policyId: 'b0000000-0000-4000-8000-000000000001' },
    });
  });

  it('says Canceled for isCanceled, Running until the state is Stopped, and keeps an unknown result verbatim', () => {
    const at = (state: string, result: Record<string, unknown>) => vbrSession({ id: ID, state, result }).status;
    expect(at('Stopped', { result: 'None', isCanceled: true })).toBe('Canceled');
    expect(at('Working', { result: 'None' })).toBe('Running');
    expect(at('stopped', { result: 'Quarantined' })).toBe('Quarantined');
    expect(normalizeStatus(at('Stopped', { result: 'Quarantined' })).severity).toBe('unknown');
  });

  it('reads the 12.0 (1.1-rev0) activityId as the job and the 1.3-rev2 progress duration', () => {
    const session = vbrSession({ id: ID, activityId: 'ac', state: 'Stopped', progress: { duration: '00:15:30' } });
    expect(session.backupJobInfo?.policyId).toBe('ac');
    expect(parseDuration(session.executionDuration)).toBe(930_000);
  });

  it('orders log records oldest first whatever order they come in, joins title and description, and times each', () => {
    const items = vbrLog({
      totalRecords: 3,
      records: [
        {
          id: 3,
          status: 'Failed',
          startTime: '2024-11-11T12:56:00+01:00',
          updateTime: '2024-11-11T12:57:00+01:00',
          title: 'db-01',
          description: 'Error: snapshot',
        },
        {
          id: 1,
          status: 'None',
          startTime: '2024-11-11T11:54:32.649649',
          updateTime: '2024-11-11T11:54:33.649649',
          title: 'Job started',
          description: '',
        },
        {
          id: 2,
          status: 'succeeded',
          startTime: '2024-11-11T12:55:00+01:00',
          updateTime: '2024-11-11T12:55:30+01:00',
          title: 'app-01',
          description: 'app-01',
        },
      ],
    });
    expect(items.map((i) => [i.status, i.message, i.executionDuration])).toEqual([
      ['Info', 'Job started', 1_000],
      ['succeeded', 'app-01', 30_000],
      ['Failed', 'db-01: Error: snapshot', 60_000],
    ]);
  });

  it('asks for task sessions from 1.2-rev1 on and not before', () => {
    expect(vbrDialect('1.1-rev0').objects).toBeUndefined();
    expect(vbrDialect('1.2-rev1').objects?.path(ID)).toBe(`/api/v1/sessions/${ID}/taskSessions`);
    expect(revisionRank('1.3-rev10')).toBeGreaterThan(revisionRank('1.3-rev2'));
    expect(revisionRank('1.3-rev0')).toBeGreaterThan(revisionRank('1.2-rev9'));
    expect(revisionRank('v1')).toBeNaN();
  });
});

describe('Backup for AWS mapping', () => {
  it('takes an integer or a TimeSpan duration and zoneless times as UTC', () => {
    const int = awsSession({
      id: ID,
      status: 'Succeeded',
      executionStartTime: '2020-06-19T04:00:05.901095',
      executionDuration: 550,
    });
    const span = awsSession({ id: ID, status: 'Succeeded', executionDuration: '00:09:10' });
    expect(parseDuration(int.executionDuration)).toBe(550);
    expect(parseDuration(span.executionDuration)).toBe(550_000);
    expect(Date.parse(`${int.executionStartTime}Z`)).toBe(Date.UTC(2020, 5, 19, 4, 0, 5, 901));
  });

  it('says Canceled for status Canceled and result Cancelled alike, and falls back to the result', () => {
    expect(awsSession({ id: ID, status: 'Canceled' }).status).toBe('Canceled');
    expect(awsSession({ id: ID, result: 'Cancelled' }).status).toBe('Canceled');
    expect(awsSession({ id: ID, result: 'Warning' }).status).toBe('Warning');
    expect(awsSession({ id: ID, status: 'NeverExecuted' }).status).toBe('NeverExecuted');
  });
});

describe('Backup for Google Cloud mapping', () => {
  it('accepts a result string or object, either cancel spelling, and says Running without an end', () => {
    expect(gcpSession({ id: ID, result: 'Failed', endTimeUtc: '2026-01-01T00:00:00Z' }).status).toBe('Failed');
    expect(gcpSession({ id: ID, result: { result: 'Warning', message: 'm' }, endTimeUtc: 'x' })).toMatchObject({
      status: 'Warning',
      resultMessage: 'm',
    });
    expect(gcpSession({ id: ID, result: 'Cancelled', endTimeUtc: 'x' }).status).toBe('Canceled');
    expect(gcpSession({ id: ID, creationTimeUtc: '2026-01-01T00:00:00Z' }).status).toBe('Running');
    expect(gcpSession({ id: ID, result: 'Paused', endTimeUtc: 'x' }).status).toBe('Paused');
  });
});
