import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics, startHttpService } from '../src/index.js';

type Outcome = 'complete' | 'refused' | 'cut';

/** One POST on a keep-alive agent; `cut` is an answer that began but did not finish. */
function post(url: string, agent: Agent): Promise<{ outcome: Outcome; closing: boolean }> {
  return new Promise((resolve) => {
    let began = false;
    const req = request(url, { method: 'POST', agent }, (res) => {
      began = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const whole = res.complete && body === '{"data":{"ok":true}}';
        resolve({
          outcome: whole ? 'complete' : 'cut',
          closing: res.headers.connection === 'close',
        });
      });
      res.on('error', () => resolve({ outcome: 'cut', closing: false }));
    });
    // No answer begun: the server refused the connection or closed an idle one under us.
    req.on('error', () => resolve({ outcome: began ? 'cut' : 'refused', closing: false }));
    req.end('{}');
  });
}

describe('graceful stop under keep-alive load', () => {
  it('answers everything it started, tells clients to close, refuses the rest, and cuts nothing', async () => {
    let started = 0;
    const server = await startHttpService({
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      admin: { host: '127.0.0.1', port: 0 },
      logger: createLogger({ service: 'test', level: 'silent' }),
      metrics: createMetrics('test'),
      readiness: [],
      async graphql(_req, res) {
        started += 1;
        // Some work in flight (a resolver, a database round trip).
        await new Promise((resolve) => setTimeout(resolve, 15));
        res.setHeader('content-type', 'application/json');
        res.end('{"data":{"ok":true}}');
      },
      onStop: async () => {},
    });

    const outcomes: { outcome: Outcome; closing: boolean }[] = [];
    let stopRequested = false;
    const clients = Array.from({ length: 8 }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      // Keeps sending on its kept-alive socket until the server refuses it.
      for (;;) {
        const result = await post(server.url, agent);
        outcomes.push(result);
        if (result.outcome !== 'complete' && stopRequested) break;
        if (result.outcome === 'cut') break;
      }
      agent.destroy();
    });

    const before = () => outcomes.filter((o) => o.outcome === 'complete').length;
    // Load is on: every client has had answers on its kept-alive socket (bounded wait).
    const deadline = Date.now() + 10_000;
    while (before() < 40) {
      if (Date.now() > deadline) throw new Error('the clients never got going');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stopRequested = true;
    // A grace far beyond the test's timeout: finishing in time means it was never needed.
    const report = await server.stop(120_000);
    await Promise.all(clients);

    const count = (outcome: Outcome) => outcomes.filter((o) => o.outcome === outcome).length;
    expect(report.connectionsCut).toBe(0);
    expect(count('cut')).toBe(0);
    // Every request the server began was answered completely…
    expect(count('complete')).toBe(started);
    // …the ones in flight at the stop told their client to close its socket…
    expect(outcomes.some((o) => o.outcome === 'complete' && o.closing)).toBe(true);
    // …and every client ended on a clean refusal, not a hang.
    expect(count('refused')).toBe(8);
  });
});
