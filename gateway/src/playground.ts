import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRoute } from '@jobber/service-kit';

/**
 * GraphiQL for browsers at GET /graphql (Accept: text/html), built only from files installed
 * with npm: React 18's and GraphiQL 4's prebuilt UMD bundles (GraphiQL 4 bundles the graphql-ws
 * client), plus the page's own script and style in gateway/playground/. Nothing comes from a CDN,
 * so it works with no internet, and the page's Content-Security-Policy allows only 'self'.
 */

/** Every asset is served under this path, by a content-hashed name, cached for a year. */
export const PLAYGROUND_ASSETS_PATH = '/playground/assets/';

/** Only this origin: scripts, styles, fonts, images, fetch and the graphql-ws WebSocket. */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': PLAYGROUND_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

interface Asset {
  /** Content-hashed file name under PLAYGROUND_ASSETS_PATH. */
  name: string;
  contentType: string;
  body: Buffer;
}

export interface Playground {
  /** The page, as served (its asset references are relative to /graphql). */
  html: string;
  /** GET PLAYGROUND_ASSETS_PATH + name, one per asset. */
  routes: HttpRoute[];
  /** Answers a browser's GET (Accept: text/html) with the page; false for anything else. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
}

const require = createRequire(import.meta.url);
const ownFiles = join(dirname(fileURLToPath(import.meta.url)), '..', 'playground');

/** A file of an installed package, found as Node resolves it (UMD builds are not in "exports"). */
function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

function asset(fileName: string, body: Buffer): Asset {
  const ext = extname(fileName);
  const contentType = contentTypes[ext];
  if (!contentType) throw new Error(`playground: no content type for ${fileName}`);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `${fileName.slice(0, -ext.length)}-${hash}${ext}`, contentType, body };
}

/**
 * GraphiQL's stylesheet inlines its fonts and icons as data: URLs, which a CSP of 'self' refuses:
 * each becomes an asset of its own, referenced relative to the stylesheet (same folder).
 */
function withDataUrlsAsAssets(css: string, extracted: Asset[]): string {
  return css.replace(
    /url\((["']?)data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)\1\)/g,
    (_match, _quote, mime: string, data: string) => {
      const ext = mime.slice(mime.indexOf('/') + 1).replace(/\+.*$/, '');
      const file = asset(`inline.${ext}`, Buffer.from(data, 'base64'));
      extracted.push(file);
      return `url(${file.name})`;
    },
  );
}

function page(icon: Asset, styles: Asset[], scripts: Asset[]): string {
  const href = (file: Asset) => `playground/assets/${file.name}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Jobber playground</title>
    <link rel="icon" href="${href(icon)}" />
${styles.map((file) => `    <link rel="stylesheet" href="${href(file)}" />`).join('\n')}
  </head>
  <body>
    <header class="jobber-bar">
      <strong>Jobber playground</strong>
      <label>
        Access token
        <input id="jobber-access-token" type="password" autocomplete="off" spellcheck="false"
          placeholder="accessToken from signUp / signIn: sent as Authorization: Bearer …" />
      </label>
    </header>
    <main id="graphiql">Loading GraphiQL…</main>
${scripts.map((file) => `    <script src="${href(file)}"></script>`).join('\n')}
  </body>
</html>
`;
}

/** Reads and hashes every file once; call it at start only when the playground is on. */
export function createPlayground(): Playground {
  const inlined: Asset[] = [];
  const graphiqlCss = withDataUrlsAsAssets(
    readFileSync(packageFile('graphiql', 'graphiql.min.css'), 'utf8'),
    inlined,
  );
  const styles = [
    asset('graphiql.min.css', Buffer.from(graphiqlCss)),
    asset('playground.css', readFileSync(join(ownFiles, 'playground.css'))),
  ];
  // In this order: GraphiQL's UMD bundle expects the React and ReactDOM globals.
  const scripts = [
    asset(
      'react.production.min.js',
      readFileSync(packageFile('react', 'umd/react.production.min.js')),
    ),
    asset(
      'react-dom.production.min.js',
      readFileSync(packageFile('react-dom', 'umd/react-dom.production.min.js')),
    ),
    asset('graphiql.min.js', readFileSync(packageFile('graphiql', 'graphiql.min.js'))),
    asset('start.js', readFileSync(join(ownFiles, 'start.js'))),
  ];
  // Without one, a browser asks for /favicon.ico.
  const icon = asset('favicon.svg', readFileSync(join(ownFiles, 'favicon.svg')));
  const html = page(icon, styles, scripts);
  const routes = [icon, ...styles, ...scripts, ...inlined].map((file): HttpRoute => ({
    method: 'GET',
    path: PLAYGROUND_ASSETS_PATH + file.name,
    handle: async () => ({
      status: 200,
      headers: {
        ...securityHeaders,
        'content-type': file.contentType,
        // The name changes with the content, so a cached copy is never stale.
        'cache-control': 'public, max-age=31536000, immutable',
      },
      body: file.body,
    }),
  }));
  return {
    html,
    routes,
    answer(req, res) {
      if (req.method !== 'GET' || !acceptsHtml(req)) return false;
      res.writeHead(200, {
        ...securityHeaders,
        'content-type': 'text/html; charset=utf-8',
        // Revalidated each time: it names the current assets.
        'cache-control': 'no-cache',
        'content-length': Buffer.byteLength(html),
      });
      res.end(html);
      return true;
    },
  };
}

/** A browser's navigation asks for text/html; GraphQL clients ask for JSON. */
function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',').some((type) => /^\s*text\/html\s*(;|$)/i.test(type));
}
