import { describe, expect, it } from 'vitest';
import { PRODUCT_SAMPLES, type VendorProduct } from '../../src/dev/emulators/samples.ts';
import { productHarnessPerTest } from '../support/product-harness.ts';
import { committedGoldenFiles, expectGolden } from './golden-file.ts';

// Each appliance family's five samples through the real handler and its own emulator, as the destinations receive them.
const PRODUCTS: readonly VendorProduct[] = ['vbr', 'aws', 'gcp'];
const DESTINATIONS = ['slack', 'teams', 'generic'] as const;
// PagerDuty hears only failures (its default): its file holds every event sent, none for a success.
const GOLDEN_FILES = [...DESTINATIONS, 'pagerduty'] as const;
const SAMPLE_NAMES = ['success', 'failure', 'warnings', 'objects', 'canceled'];
const folder = (product: VendorProduct, index: number) => `products/${product}-${SAMPLE_NAMES[index] ?? index}`;

describe('golden messages of every appliance family', () => {
  const start = productHarnessPerTest();

  for (const product of PRODUCTS) {
    for (const [index, sample] of PRODUCT_SAMPLES[product].entries()) {
      it(`posts exactly the committed payloads for ${product} sample ${sample.spec.id} (${sample.spec.outcome})`, async () => {
        const h = await start(product, {
          SESSION_URL_TEMPLATE: 'https://appliance.example.com/#/sessions/{sessionId}',
          PAGERDUTY_ROUTING_KEY: 'R0123456789abcdefABCDEF0123456789',
        });

        await h.invoke({ sessionId: sample.spec.id });

        // The emulator listens on a port chosen at run time; the payloads name it as a fixed host.
        const fixed = (payload: unknown) =>
          JSON.parse(JSON.stringify(payload).replace(/127\.0\.0\.1:\d+/g, 'appliance.example.com:9419')) as unknown;
        for (const destination of DESTINATIONS) {
          const posts = h.sink.postsTo(destination);
          expect(posts, `${destination} posts for ${sample.spec.id}`).toHaveLength(1);
          expectGolden(`${folder(product, index)}/${destination}.json`, fixed(posts[0]?.json));
        }
        const events = h.sink.postsTo('pagerduty').map((post) => fixed(post.json));
        expect(events.length, `pagerduty events for ${sample.spec.id}`).toBeLessThanOrEqual(1);
        expectGolden(`${folder(product, index)}/pagerduty.json`, events);
      });
    }
  }

  it('keeps no product golden file that no sample produces', () => {
    const expected = PRODUCTS.flatMap((product) =>
      PRODUCT_SAMPLES[product].flatMap((_, index) => GOLDEN_FILES.map((d) => `${folder(product, index)}/${d}.json`)),
    ).sort();
    expect(committedGoldenFiles().filter((f) => f.startsWith('products/'))).toEqual(expected);
  });
});
