import { describe, expect, it } from 'vitest';
import { shouldMention } from '../../src/core/context.ts';
import { renderWatchSlack, renderWatchTeams } from '../../src/core/render/digest.ts';
import { renderGeneric } from '../../src/core/render/generic.ts';
import { pagerDutyEvent } from '../../src/core/render/pagerduty.ts';
import { renderSlack } from '../../src/core/render/slack.ts';
import { renderTeams } from '../../src/core/render/teams.ts';
import type { Notification } from '../../src/core/summary.ts';
import { committedGoldenFiles, expectGolden } from './golden-file.ts';
import { GOLDEN_SAMPLES } from './samples.ts';
import { GOLDEN_WATCH_MESSAGES } from './watcher-samples.ts';

const APPLIANCE = 'backup.example.com';

/** Each destination's payload for a notification, rendered with the options its destination would pass. */
const DESTINATIONS: Readonly<Record<string, (notification: Notification) => unknown>> = {
  slack: (n) => renderSlack(n, { mention: shouldMention(n, 'failures') ? '<!subteam^S0123ABC>' : undefined }),
  teams: (n) =>
    renderTeams(n, {
      mention: shouldMention(n, 'failures') ? { id: 'alice@contoso.com', name: 'Alice Smith' } : undefined,
    }),
  pagerduty: (n) =>
    pagerDutyEvent(n, { routingKey: 'GoldenRoutingKey0000000000000000', source: APPLIANCE, notifyOn: 'problems' }),
  generic: (n) => renderGeneric(n, APPLIANCE),
};

const WATCH_DESTINATIONS = { slack: renderWatchSlack, teams: renderWatchTeams } as const;

describe('golden messages', () => {
  for (const sample of GOLDEN_SAMPLES) {
    describe(`for sample ${sample.name}`, () => {
      for (const [destination, render] of Object.entries(DESTINATIONS)) {
        it(`posts exactly the committed ${destination} payload`, () => {
          expectGolden(`${sample.name}/${destination}.json`, render(sample.notification()));
        });
      }
    });
  }

  for (const watch of GOLDEN_WATCH_MESSAGES) {
    describe(`for the watcher's ${watch.name} message`, () => {
      for (const [destination, render] of Object.entries(WATCH_DESTINATIONS)) {
        it(`posts exactly the committed ${destination} payload`, () => {
          expectGolden(`watcher/${watch.name}/${destination}.json`, render(watch.message()));
        });
      }
    });
  }

  it('keeps no golden file that no sample produces (a removed sample takes its files with it)', () => {
    const expected = [
      ...GOLDEN_SAMPLES.flatMap((s) => Object.keys(DESTINATIONS).map((d) => `${s.name}/${d}.json`)),
      ...GOLDEN_WATCH_MESSAGES.flatMap((w) =>
        Object.keys(WATCH_DESTINATIONS).map((d) => `watcher/${w.name}/${d}.json`),
      ),
    ].sort();
    // The appliance families' files are checked by products.test.ts.
    expect(committedGoldenFiles().filter((f) => !f.startsWith('products/'))).toEqual(expected);
  });
});
