// The floor for CPU per notification and for the big log: a bare node:http(s) client, no library, no parsing. Forked
// by bench/run.ts like bench/child.mjs and driven over IPC:
//   { type: 'replay', phases }  sends each phase's requests in parallel, phases one after another, and reads and
//                               discards every answer; replies with wall time, CPU time and peak RSS.
//   { type: 'exit' }
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const modules = { 'http:': http, 'https:': https };

/** Peak RSS in MB (VmHWM; see bench/child.mjs for why not resourceUsage().maxRSS). */
const peakRssMB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

/** One request, its answer read to the end and thrown away. */
const send = ({ method, url, headers, body }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = modules[target.protocol].request(target, { method, headers, agent: agents[target.protocol] }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

const replay = async (phases) => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  let error;
  try {
    for (const phase of phases) {
      const statuses = await Promise.all(phase.map(send));
      const bad = statuses.find((s) => s >= 400);
      if (bad !== undefined) throw new Error(`HTTP ${bad}`);
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, maxRssMB: peakRssMB(), error };
};

process.on('message', async (message) => {
  if (message.type === 'replay') process.send({ type: 'done', ...(await replay(message.phases)) });
  else process.exit(0);
});
process.send({ type: 'ready' });
