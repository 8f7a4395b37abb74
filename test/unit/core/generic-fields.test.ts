import { describe, expect, it } from 'vitest';
import { GENERIC_MAX_COUNTS, GenericWebhookSchema, renderGeneric } from '../../../src/core/render/generic.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { SessionContext } from '../../../src/core/summary.ts';
import { sessionContext } from '../../support/notifications.ts';

const session = (overrides: Partial<SessionContext> = {}): SessionContext =>
  sessionContext({ type: 'Policy Backup', status: 'Success', ...overrides });

describe('renderGeneric fields', () => {
  it('gives a problem report its session ID and read error, and no steps', () => {
    const body = renderGeneric(
      { kind: 'problem', problem: { sessionId: '404', failure: 'not-found', statusCode: 404, detail: 'gone' } },
      'appliance.example.com',
    );
    expect(body).toMatchObject({
      kind: 'problem',
      sessionId: '404',
      steps: null,
      problems: [],
      readError: { failure: 'not-found', statusCode: 404, detail: 'gone' },
      history: null,
    });
    expect(GenericWebhookSchema.safeParse(body).success).toBe(true);
  });

  it('carries the statistics the appliance gave, null for the ones it left out, with their text', () => {
    const body = renderGeneric(
      {
        kind: 'summary',
        summary: summarize('5', { log: [] }),
        session: session({ progress: { readSize: 2048, bottleneck: 'Source' } }),
      },
      'appliance.example.com',
    );
    expect(body.progress).toEqual({
      processedBytes: null,
      readBytes: 2048,
      transferredBytes: null,
      processingRate: null,
      bottleneck: 'Source',
      text: 'Read 2.0 KB · Bottleneck: Source',
    });
    const full = renderGeneric(
      {
        kind: 'summary',
        summary: summarize('5', { log: [] }),
        session: session({
          progress: { processedSize: 1, readSize: 2, transferredSize: 3, processingRate: '5 MB/s', bottleneck: 'None' },
        }),
      },
      'a',
    );
    expect(full.progress).toMatchObject({
      processedBytes: 1,
      readBytes: 2,
      transferredBytes: 3,
      processingRate: '5 MB/s',
      bottleneck: 'None',
    });
  });

  it('leaves out statistics that say nothing', () => {
    const body = renderGeneric(
      { kind: 'summary', summary: summarize('5', { log: [] }), session: session({ progress: { bottleneck: 'None' } }) },
      'a',
    );
    expect('progress' in body).toBe(false);
  });

  it(`lists at most ${GENERIC_MAX_COUNTS} status rows, most frequent first`, () => {
    const log = [
      ...Array.from({ length: 9 }, () => ({ status: 'Success' })),
      ...Array.from({ length: GENERIC_MAX_COUNTS + 5 }, (_, i) => ({ status: `odd-${i}` })),
    ];
    const body = renderGeneric({ kind: 'summary', summary: summarize('5', { log }) }, 'a');
    expect(body.steps?.counts).toHaveLength(GENERIC_MAX_COUNTS);
    expect(body.steps?.counts[0]).toEqual({ status: 'Success', severity: 'success', count: 9 });
  });
});
