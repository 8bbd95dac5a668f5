/** Helpers for postgresql:// connection URLs. A `?schema=` parameter (Prisma's convention) is
 * understood: it names the PostgreSQL schema the migrations live in. */

export interface PgConnectionFields {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

/** The same server and credentials as `adminUrl`, pointing at database `name`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = parsePgUrl(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** The database a URL points at. */
export function databaseNameOf(connectionUrl: string): string {
  const name = decodeURIComponent(parsePgUrl(connectionUrl).pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`No database name in ${redactUrl(connectionUrl)}`);
  return name;
}

/** The `?schema=` parameter, if any. */
export function schemaOf(connectionUrl: string): string | undefined {
  return parsePgUrl(connectionUrl).searchParams.get('schema') ?? undefined;
}

/** The URL to hand to `pg`: without Prisma's `schema` parameter. */
export function pgConnectionString(connectionUrl: string): string {
  const url = parsePgUrl(connectionUrl);
  url.searchParams.delete('schema');
  return url.toString();
}

/** Discrete connection fields (what @prisma/adapter-pg needs to create its shadow database). */
export function connectionFields(connectionUrl: string): PgConnectionFields {
  const url = parsePgUrl(connectionUrl);
  return {
    host: decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')) || '127.0.0.1',
    port: url.port === '' ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username) || 'postgres',
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    database: databaseNameOf(connectionUrl),
  };
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(connectionUrl: string): string {
  try {
    const url = new URL(connectionUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '<invalid url>';
  }
}

export function parsePgUrl(connectionUrl: string): URL {
  let url: URL;
  try {
    url = new URL(connectionUrl);
  } catch {
    throw new Error(`Not a valid PostgreSQL URL: ${redactUrl(connectionUrl)}`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`Not a postgresql:// URL: ${redactUrl(connectionUrl)}`);
  }
  return url;
}
