import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import { buildDigest, renderWatchSlack, renderWatchTeams } from '../../../src/core/render/digest.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 7, 0, 0);

function session(id: string, status: string, stopHoursAgo: number, hours: number, policyName: string): JobSession {
  const stop = NOW - stopHoursAgo * HOUR;
  return {
    id,
    status,
    executionStartTime: new Date(stop - hours * HOUR).toISOString(),
    executionStopTime: new Date(stop).toISOString(),
    backupJobInfo: { policyName },
  };
}

const SESSIONS = [
  session('1', 'Success', 1, 0.5, 'Daily-tw-vm2'),
  session('2', 'Error', 2, 1, 'Nightly-Azure-VMs'),
  session('3', 'Warning', 3, 2, 'Weekly-SQL'),
  session('4', 'Canceled', 4, 0, 'Dev-Sandbox'),
  session('5', 'Failed', 5, 0.25, '<!channel> *evil* [x](http://e.example)'),
  session('6', 'Error', 30, 1, 'Too-Old'),
  { id: '7', status: 'Running', executionStartTime: new Date(NOW - HOUR).toISOString(), executionStopTime: null },
];

describe('buildDigest', () => {
  it('counts the sessions that finished in the window by outcome, with total and longest durations', () => {
    const digest = buildDigest(SESSIONS, NOW - 24 * HOUR, NOW, 'https://backup.example.com/#/sessions/{sessionId}');
    expect(digest.total).toBe(5);
    expect(digest.bySeverity).toMatchObject({ success: 1, failed: 2, warning: 1, canceled: 1 });
    expect(digest.totalDurationMs).toBe(3.75 * HOUR);
    expect(digest.longest).toEqual({ ms: 2 * HOUR, sessionId: '3', policyName: 'Weekly-SQL' });
    expect(digest.failures.map((f) => [f.sessionId, f.url])).toEqual([
      ['2', 'https://backup.example.com/#/sessions/2'],
      ['5', 'https://backup.example.com/#/sessions/5'],
    ]);
  });
});

describe('renderWatchSlack', () => {
  describe('for a digest', () => {
    it('says the counts, the durations and links each failure, with untrusted names escaped', () => {
      const digest = buildDigest(SESSIONS, NOW - 24 * HOUR, NOW, 'https://backup.example.com/#/sessions/{sessionId}');
      const message = renderWatchSlack({ kind: 'digest', digest });
      const text = JSON.stringify(message);
      expect(message.text).toContain('Backup digest: 5 sessions in the last 24 h');
      expect(text).toContain('✅ Succeeded: 1 · ⚠️ Warnings: 1 · ❌ Failed: 2 · ⏹️ Canceled: 1');
      expect(text).toContain('Total run time 3h 45m; longest: 2h (Weekly-SQL, session 3)');
      expect(text).toContain('<https://backup.example.com/#/sessions/2|Nightly-Azure-VMs — session 2>: Error');
      expect(text).toContain('&lt;!channel&gt;');
      expect(text).not.toContain('<!channel>');
    });
  });

  describe('for a missed run', () => {
    it('names the policy, the gap and the last run', () => {
      const run = {
        policyKey: 'p',
        policyName: 'Nightly-Azure-VMs',
        lastStopMs: NOW - 31 * HOUR - 60_000,
        lastSessionId: '77',
        lastStatus: 'Error',
      };
      expect(renderWatchSlack({ kind: 'missed-run', run, nowMs: NOW }).text).toBe(
        'Nightly-Azure-VMs has not run for 31 h; last run 2026-11-23 23:59:00 UTC (Error, session 77).',
      );
    });
  });
});

describe('renderWatchTeams', () => {
  it('renders the digest as an Adaptive Card with markdown links and escaped names', () => {
    const digest = buildDigest(SESSIONS, NOW - 24 * HOUR, NOW, 'https://backup.example.com/#/sessions/{sessionId}');
    const message = renderWatchTeams({ kind: 'digest', digest });
    const text = JSON.stringify(message);
    expect(message.attachments[0].content.version).toBe('1.4');
    expect(text).toContain('[Nightly-Azure-VMs — session 2](https://backup.example.com/#/sessions/2)');
    expect(text).toContain('\\\\*evil\\\\*');
    expect(message.attachments[0].content.body[0]).toMatchObject({ color: 'Attention' });
  });
});
