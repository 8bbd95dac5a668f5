import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received: what the adapter sent to "Stripe". */
export interface StripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * A local HTTP stand-in for the three Stripe API calls orders makes (payment intents, their
 * confirmation, refunds). It records every request and answers as Stripe's test mode does:
 * the same idempotency key gives the same answer; a confirmation's outcome is its payment
 * method's. `failNext` makes the next calls answer 500 (an outage).
 */
export class StripeStandIn {
  readonly requests: StripeRequest[] = [];
  private readonly byKey = new Map<string, { status: number; body: unknown }>();
  private readonly intents = new Map<string, Record<string, unknown>>();
  failNext = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<StripeStandIn> {
    const holder: { standIn?: StripeStandIn } = {};
    const server = createServer((req, res) => {
      void (async () => {
        const answer = holder.standIn
          ? await holder.standIn.handle(req)
          : { status: 503, body: { error: { type: 'api_error' } } };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      })();
    });
    holder.standIn = new StripeStandIn(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const key = header(req, 'idempotency-key');
    const request: StripeRequest = {
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      idempotencyKey: key,
      authorization: header(req, 'authorization'),
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    };
    this.requests.push(request);
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 500, body: { error: { type: 'api_error', message: 'down' } } };
    }
    const cached = key ? this.byKey.get(`${request.path}|${key}`) : undefined;
    if (cached) return cached;
    const answer = this.answer(request);
    if (key) this.byKey.set(`${request.path}|${key}`, answer);
    return answer;
  }

  private answer(request: StripeRequest): { status: number; body: unknown } {
    const { path, form } = request;
    if (request.method === 'POST' && path === '/v1/payment_intents') {
      const id = `pi_${randomBytes(8).toString('hex')}`;
      const intent = {
        id,
        object: 'payment_intent',
        amount: Number(form.get('amount')),
        currency: form.get('currency'),
        client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
        status: 'requires_payment_method',
        last_payment_error: null,
        metadata: { orderId: form.get('metadata[orderId]') },
      };
      this.intents.set(id, intent);
      return { status: 200, body: intent };
    }
    const confirm = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path);
    if (request.method === 'POST' && confirm) {
      const intent = this.intents.get(confirm[1] ?? '');
      if (!intent) return { status: 404, body: { error: { type: 'invalid_request_error' } } };
      const method = form.get('payment_method');
      if (method === 'pm_card_chargeDeclined') {
        return {
          status: 402,
          body: {
            error: {
              type: 'card_error',
              code: 'card_declined',
              message: 'Your card was declined.',
              payment_intent: { ...intent, status: 'requires_payment_method' },
            },
          },
        };
      }
      intent['status'] =
        method === 'pm_card_authenticationRequired' ? 'requires_action' : 'succeeded';
      return { status: 200, body: intent };
    }
    if (request.method === 'POST' && path === '/v1/refunds') {
      return {
        status: 200,
        body: {
          id: `re_${randomBytes(8).toString('hex')}`,
          object: 'refund',
          amount: Number(form.get('amount')),
          payment_intent: form.get('payment_intent'),
          status: 'succeeded',
        },
      };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: path } } };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
