import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, RateLimitedError, SeedApiError } from '../src/gateway-client.js';

// What the gateway answers is replayed by a local server: a 429 as the gateway's rate limit
// sends it, an UNAVAILABLE that clears on the next try, a plain error.
let server: Server;
let url = '';
const answers: { status: number; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    const answer = answers.shift() ?? { status: 200, body: { data: { ok: true } } };
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const tooMany = {
  status: 429,
  body: {
    errors: [
      {
        message: 'Too many requests',
        extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 42 },
      },
    ],
  },
};

describe("the seed's gateway client", () => {
  it('explains a 429: which limits, where they are raised, and --concurrency', async () => {
    answers.push(tooMany);
    const error = await new GatewayClient(url).data('signUp', '{ ok }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    const message = (error as Error).message;
    expect(message).toContain('signUp');
    expect(message).toContain('retry after 42 s');
    expect(message).toContain('RATE_LIMIT_SENSITIVE_PER_IP');
    expect(message).toContain('--concurrency');
  });

  it('retries a retryable UNAVAILABLE, and reports other errors by code', async () => {
    const unavailable = {
      status: 200,
      body: { errors: [{ message: 'busy', extensions: { code: 'UNAVAILABLE', retryable: true } }] },
    };
    answers.push(unavailable);
    const client = new GatewayClient(url);
    expect(await client.data('viewer', '{ ok }')).toEqual({ ok: true });
    expect(client.sent).toBe(2);

    answers.push({
      status: 200,
      body: { errors: [{ message: 'This username is taken.', extensions: { code: 'CONFLICT' } }] },
    });
    const error = await client.data('signUp', '{ ok }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedApiError);
    expect(error).toMatchObject({ code: 'CONFLICT', operation: 'signUp' });
  });
});
