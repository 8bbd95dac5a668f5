import type { IncomingMessage, ServerResponse } from 'node:http';

const allowedHeaders =
  'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-device-id, x-request-id';

/** Adds CORS headers for configured origins; answers preflights. Returns true when the request is done. */
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: readonly string[],
): boolean {
  const origin = req.headers.origin;
  if (origin && (origins.includes(origin) || origins.includes('*'))) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', allowedHeaders);
    res.setHeader('access-control-max-age', '600');
    res.writeHead(204);
    res.end();
    return true;
  }
  return false;
}
