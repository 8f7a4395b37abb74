import { describe, expect, it } from 'vitest';
import { sessionContextFrom } from '../../../src/core/context.ts';
import { describeObjects, summarizeObjects } from '../../../src/core/objects.ts';
import { renderGeneric } from '../../../src/core/render/generic.ts';
import { pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { renderSlack, SLACK_LIMITS, slackBlockChars } from '../../../src/core/render/slack.ts';
import { renderTeams, TEAMS_MAX_BYTES } from '../../../src/core/render/teams.ts';
import { createSummaryBuilder } from '../../../src/core/summarize.ts';
import type { Notification } from '../../../src/core/summary.ts';

describe('per-object results', () => {
  it('count statuses case-insensitively and say "3 of 40 machines failed" with the failed names first', () => {
    const items = [
      ...Array.from({ length: 36 }, (_, i) => ({ name: `vm-${i}`, status: 'Success' })),
      { name: 'db-01', status: 'FAILED' },
      { name: 'web-03', status: 'warning' },
      { name: 'app-02', status: 'Error' },
      { name: 'app-07', status: 'RunningWithError' },
    ];
    const objects = summarizeObjects(items, 'machines');
    expect(objects).toMatchObject({ total: 40, failedCount: 3, warningCount: 1 });
    expect(describeObjects(objects, 500)).toBe(
      '3 of 40 machines failed: db-01, app-02, app-07; 1 with warnings: web-03',
    );
  });

  it('end a long list with "…" within the limit, and say nothing when there are no objects', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({
      name: `very-long-machine-name-${i}`.repeat(3),
      status: 'Failed',
    }));
    const line = describeObjects(summarizeObjects(items, 'machines'), 200) ?? '';
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).toMatch(/^500 of 500 machines failed: very-long/);
    expect(line).toMatch(/…$/);
    expect(describeObjects(summarizeObjects([], 'machines'), 200)).toBeNull();
  });

  it('stay within every chat limit however many and however long the names and the result message are', () => {
    const items = Array.from({ length: 5_000 }, (_, i) => ({
      name: `${'x'.repeat(300)}-${i}`,
      status: i % 2 ? 'Failed' : 'Warning',
    }));
    const builder = createSummaryBuilder('s1');
    builder.add({ status: 'Failed', message: 'm'.repeat(10_000) });
    const notification: Notification = {
      kind: 'summary',
      summary: builder.finish(null),
      session: {
        policyName: 'Fleet',
        type: 'BackupJob',
        status: 'Failed',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        url: null,
        fetched: true,
        resultMessage: 'r'.repeat(50_000),
        objects: summarizeObjects(items, 'machines'),
        progress: { processedSize: 1e12, processingRate: '1 GB/s'.repeat(100), bottleneck: 'Target' },
        note: 'n'.repeat(5_000),
      },
    };
    const slack = renderSlack(notification);
    expect(slackBlockChars(slack.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockChars);
    for (const block of slack.blocks) {
      if ('text' in block) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    expect(JSON.stringify(slack)).toContain('2500 of 5000 machines failed');
    expect(Buffer.byteLength(JSON.stringify(renderTeams(notification)))).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    const event = pagerDutyEvent(notification, { routingKey: 'k'.repeat(32), source: 'vbr', notifyOn: 'failures' });
    const details = 'event' in event ? event.event.payload?.custom_details : undefined;
    expect(String(details?.objects).length).toBeLessThanOrEqual(1_000);
    expect(String(details?.result_message).length).toBeLessThanOrEqual(1_000);
    const generic = renderGeneric(notification, 'vbr');
    expect(generic.objects?.failedNames.length).toBeLessThanOrEqual(50);
    expect(generic.objects?.failed).toBe(2500);
  });

  it('keep at most 4,000 characters of the result message in the session context', () => {
    const context = sessionContextFrom('s1', { id: 's1', status: 'Failed', resultMessage: ` ${'r'.repeat(50_000)} ` });
    expect(context.resultMessage?.length).toBe(4_000);
    expect(context.resultMessage?.endsWith('…')).toBe(true);
  });
});
