import type { Mailbox } from './mailbox.js';

export interface GraphQLResponse<T> {
  status: number;
  data: T | null;
  errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

/**
 * A plain HTTP GraphQL client, as a browser or mobile app would call the gateway; with the
 * `mailbox` the app's user would read (where `signUpMember` finds the confirmation link).
 */
export class GraphQLClient {
  constructor(
    readonly url: string,
    private readonly defaults: RequestOptions = {},
    readonly mailbox?: Mailbox,
  ) {}

  /** A client that sends this access token (and these headers) with every request. */
  as(options: RequestOptions): GraphQLClient {
    return new GraphQLClient(
      this.url,
      {
        ...this.defaults,
        ...options,
        headers: { ...this.defaults.headers, ...options.headers },
      },
      this.mailbox,
    );
  }

  /** This client reading its emails from `mailbox`. */
  withMailbox(mailbox: Mailbox): GraphQLClient {
    return new GraphQLClient(this.url, this.defaults, mailbox);
  }

  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<T>> {
    const token = options.token === undefined ? this.defaults.token : options.token;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...this.defaults.headers,
        ...options.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: T | null;
      errors?: GraphQLResponse<T>['errors'];
    };
    return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** Like `request`, but fails the test with the errors when there are any. */
  async data<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    const response = await this.request<T>(query, variables, options);
    if (response.errors.length || !response.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
    }
    return response.data;
  }
}

/** The error codes of a response, in order (`['UNAUTHENTICATED']`). */
export function errorCodes(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['code']);
}
