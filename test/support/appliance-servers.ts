import http from 'node:http';
import { afterAll, afterEach } from 'vitest';
import {
  type ApplianceEmulator,
  type ApplianceEmulatorOptions,
  startApplianceEmulator,
} from '../../src/dev/appliance-emulator.ts';
import { listenOnLoopback } from '../../src/dev/listen.ts';
import { createAgents, type HttpAgents } from '../../src/http/client.ts';

/**
 * Appliance emulators and keep-alive agents for one test file: each emulator is closed after its test, the agents
 * after the file. Call at the top level of the file.
 */
export function applianceServers(): {
  emulator(options?: ApplianceEmulatorOptions): Promise<ApplianceEmulator>;
  agents(): HttpAgents;
} {
  const emulators: ApplianceEmulator[] = [];
  const agentSets: HttpAgents[] = [];
  afterEach(async () => {
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(() => {
    for (const a of agentSets.splice(0)) {
      a.http.destroy();
      a.https.destroy();
    }
  });
  return {
    async emulator(options) {
      const started = await startApplianceEmulator(options);
      emulators.push(started);
      return started;
    },
    agents() {
      const created = createAgents();
      agentSets.push(created);
      return created;
    },
  };
}

/**
 * Plain node:http servers on 127.0.0.1 for one test file, each closed (connections included) after its test, and
 * keep-alive agents destroyed after the file. Call at the top level of the file.
 */
export function loopbackServers(): {
  serve(handler: http.RequestListener): Promise<string>;
  agents(): HttpAgents;
} {
  const servers: http.Server[] = [];
  const agentSets: HttpAgents[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });
  afterAll(() => {
    for (const a of agentSets.splice(0)) {
      a.http.destroy();
      a.https.destroy();
    }
  });
  return {
    async serve(handler) {
      const server = http.createServer(handler);
      servers.push(server);
      return `http://127.0.0.1:${await listenOnLoopback(server)}`;
    },
    agents() {
      const created = createAgents();
      agentSets.push(created);
      return created;
    },
  };
}
