// The load generator (its own process, pinned by the caller): `connections` keep-alive
// connections each sending TestQuery back to back for `seconds`. Prints one JSON line:
// { requests, failed, seconds, latenciesMs summary }.
// Usage: tsx load.ts <url> <seconds> <connections>
import { Pool } from 'undici';
import { summarize } from '../lib/percentiles.js';
import { TEST_QUERY } from './test-query.js';

const [url = '', seconds = '10', connections = '50'] = process.argv.slice(2);
const target = new URL(url);
const pool = new Pool(target.origin, {
  connections: Number(connections),
  pipelining: 1,
  keepAliveTimeout: 60_000,
});
const body = JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' });
const headers = { 'content-type': 'application/json' };
const latencies: number[] = [];
let failed = 0;
const started = performance.now();
const deadline = started + Number(seconds) * 1000;

async function connection(): Promise<void> {
  while (performance.now() < deadline) {
    const sent = performance.now();
    try {
      const response = await pool.request({ path: target.pathname, method: 'POST', headers, body });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text.includes('"errors"')) failed++;
      else latencies.push(performance.now() - sent);
    } catch {
      failed++;
    }
  }
}

await Promise.all(Array.from({ length: Number(connections) }, () => connection()));
const elapsed = (performance.now() - started) / 1000;
await pool.close();
const latency = summarize(latencies);
console.log(
  JSON.stringify({
    requests: latencies.length,
    failed,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
  }),
);
