/** One GraphQL error as the gateway sends it. */
interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; retryAfterSeconds?: number; retryable?: boolean; field?: string };
}

/** An operation the gateway refused or failed; `code` is its `extensions.code`. */
export class SeedApiError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
  ) {
    super(`${operation}: ${message} (${code})`);
    this.name = 'SeedApiError';
  }
}

/** The gateway's rate limit stopped the seed: the message says what to change. */
export class RateLimitedError extends SeedApiError {
  constructor(operation: string, retryAfterSeconds: number | undefined) {
    super(
      operation,
      'TOO_MANY_REQUESTS',
      `the gateway's rate limit was reached${retryAfterSeconds ? ` (retry after ${retryAfterSeconds} s)` : ''}. ` +
        '`npm start` and `npm run start:services` raise it in development; a gateway started ' +
        'another way needs RATE_LIMIT_SENSITIVE_PER_IP and RATE_LIMIT_OPERATIONS_PER_IP above ' +
        'what the seed sends (docs/2026-12-02-seed-data.md), or a smaller --concurrency',
    );
  }
}

const RETRIES = 3;

/**
 * The seed's client of the gateway: POSTs an operation as an app would, returns `data` or
 * throws a SeedApiError. A retryable UNAVAILABLE is retried a few times; a 429 is not (it
 * throws RateLimitedError, which explains the limit).
 */
export class GatewayClient {
  /** Operations sent, for the summary. */
  sent = 0;

  constructor(readonly url: string) {}

  async data<T>(
    name: string,
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.sent++;
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jobber-seed',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json().catch(() => ({}))) as {
        data?: T | null;
        errors?: GraphQLErrorBody[];
      };
      const error = body.errors?.[0];
      if (response.status === 429 || error?.extensions?.code === 'TOO_MANY_REQUESTS') {
        throw new RateLimitedError(name, error?.extensions?.retryAfterSeconds);
      }
      if (!error && body.data) return body.data;
      const code = error?.extensions?.code ?? `HTTP ${response.status}`;
      if (code === 'UNAVAILABLE' && attempt < RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
        continue;
      }
      throw new SeedApiError(name, code, error?.message ?? 'no data in the answer');
    }
  }

  /** The root fields of the API the gateway serves (introspection: development gateways). */
  async rootFields(): Promise<Set<string>> {
    const data = await this.data<{
      q: { fields: { name: string }[] } | null;
      m: { fields: { name: string }[] } | null;
    }>(
      'introspection',
      '{ q: __type(name: "Query") { fields { name } } m: __type(name: "Mutation") { fields { name } } }',
    );
    return new Set([...(data.q?.fields ?? []), ...(data.m?.fields ?? [])].map((f) => f.name));
  }
}
