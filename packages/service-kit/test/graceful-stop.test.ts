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
    let inProgress = 0;
    // After the first 40, requests wait for the stop to begin: 8 are surely in flight then.
    let releaseHeld!: () => void;
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
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
        inProgress += 1;
        // Some work in flight (a resolver, a database round trip).
        if (started > 40) await held;
        else await new Promise((resolve) => setTimeout(resolve, 5));
        inProgress -= 1;
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

    // Load is on: every client has a request in flight on its kept-alive socket (bounded wait).
    const deadline = Date.now() + 10_000;
    while (inProgress < 8) {
      if (Date.now() > deadline) throw new Error('the clients never got going');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stopRequested = true;
    // A grace far beyond the test's timeout: finishing in time means it was never needed.
    const stopping = server.stop(120_000);
    releaseHeld();
    const report = await stopping;
    await Promise.all(clients);

    const count = (outcome: Outcome) => outcomes.filter((o) => o.outcome === outcome).length;
    // Every request the server began was answered completely, nothing was cut, and every
    // client ended on a clean refusal, not a hang.
    expect({
      connectionsCut: report.connectionsCut,
      cut: count('cut'),
      complete: count('complete'),
      refused: count('refused'),
    }).toEqual({ connectionsCut: 0, cut: 0, complete: started, refused: 8 });
    // The 8 answers in flight at the stop told their clients to close their sockets.
    expect(outcomes.filter((o) => o.outcome === 'complete' && o.closing)).toHaveLength(8);
  });
});
