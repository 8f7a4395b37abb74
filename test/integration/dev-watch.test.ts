import { afterEach, describe, expect, it, vi } from 'vitest';
import { runLocalWatch } from '../../src/dev/watch.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('npm start -- --watch', () => {
  it('runs the watcher against the growing emulator and shows each notification once', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });

    const failures = await runLocalWatch({ steps: 3, intervalMs: 0, json: false, verbose: false, slackIntervalMs: 5 });

    const headers = lines.flatMap((l) => l.split('\n')).filter((l) => / — SESSION \d+$/.test(l.trim()));
    const sessions = headers.map((l) => l.trim().split(' ').at(-1));
    expect(failures).toBe(0);
    expect(sessions.length).toBeGreaterThanOrEqual(5);
    expect(new Set(sessions).size).toBe(sessions.length);
    expect(lines.some((l) => l.includes('HAS NOT RUN FOR 31 H'))).toBe(true);
    expect(lines.some((l) => l.includes('RAN AGAIN'))).toBe(true);
  });
});
