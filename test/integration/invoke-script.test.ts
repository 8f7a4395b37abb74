import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);

describe('npm run invoke', () => {
  it('runs the handler on a sample event against the embedded emulator and prints the result and the messages', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/dev/invoke.ts', 'events/sqs.json'], {
      cwd: root,
      timeout: 60_000,
      // Only what the script needs: no BACKUP_API_* or webhook variables, so it uses the embedded stand-ins.
      env: { PATH: process.env.PATH ?? '' },
    });

    expect(stdout).toContain('appliance: emulator, destinations: slack local sink, teams local sink');
    expect(stdout).toContain('"batchItemFailures": []');
    expect(stdout).toContain('slack received');
    expect(stdout).toContain('DAILY-TW-VM2 SUCCEEDED — SESSION 38');
    expect(stdout).toContain('NIGHTLY-AZURE-VMS FAILED — SESSION 77');
  });

  it('signs HTTP samples with the local secret, or sends them as stored with --as-is (a 401)', async () => {
    const signed = await run(process.execPath, ['--import', 'tsx', 'src/dev/invoke.ts', 'events/http.json'], {
      cwd: root,
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    const asIs = await run(process.execPath, ['--import', 'tsx', 'src/dev/invoke.ts', 'events/http.json', '--as-is'], {
      cwd: root,
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });

    expect(signed.stdout).toContain('"statusCode": 200');
    expect(asIs.stdout).toContain('"statusCode": 401');
    expect(asIs.stdout).toContain('(nothing was posted)');
  });
});
