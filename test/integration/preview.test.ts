import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockKitBuilderUrl, findChromium, runPreview } from '../../scripts/preview.ts';

let outDir: string | undefined;
afterEach(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  outDir = undefined;
});

describe('npm run preview', () => {
  it('writes every payload for session 77 and skips the PNG, saying so, when Chromium is missing', async () => {
    outDir = mkdtempSync(join(tmpdir(), 'preview-test-'));
    const lines: string[] = [];

    const [result] = await runPreview({ sessions: ['77'], outDir, chromium: null, log: (l) => lines.push(l) });

    const dir = join(outDir, 'session-77');
    for (const name of [
      'slack.json',
      'slack-block-kit-builder.url',
      'teams.json',
      'teams.html',
      'pagerduty.json',
      'generic.json',
    ]) {
      expect(existsSync(join(dir, name))).toBe(true);
    }
    expect(result?.png).toBeUndefined();
    expect(existsSync(join(dir, 'teams.png'))).toBe(false);
    expect(lines.join('\n')).toContain('Chromium not found; skipping teams.png');
    expect(readFileSync(join(dir, 'teams.html'), 'utf8')).toContain('adaptivecards.min.js');
    expect(JSON.parse(readFileSync(join(dir, 'pagerduty.json'), 'utf8'))).toMatchObject({ event_action: 'trigger' });
  });

  it('links Block Kit Builder to the URL-encoded JSON of the blocks', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Job* #1 & <!date^1^{time}|x>' } }];

    const url = blockKitBuilderUrl({ blocks });

    expect(url.startsWith('https://app.slack.com/block-kit-builder/#')).toBe(true);
    expect(JSON.parse(decodeURIComponent(url.split('#')[1] ?? ''))).toEqual({ blocks });
  });

  it('finds no Chromium on an empty PATH', () => {
    expect(findChromium('')).toBeUndefined();
  });
});
