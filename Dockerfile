# syntax=docker/dockerfile:1
# One image for every Jobber service; the command chooses which (see docker-compose.yml):
#   node subgraphs/<name>/dist/main.js     a subgraph
#   node gateway/dist/main.js              the gateway (the default)
#   node packages/db/bin/jobber-db.mjs migrate deploy    every subgraph's pending migrations
#   node docker/dev-keys.mjs <dir>         development keys, once
# Configuration comes from the environment (each service's config.ts); NAME_FILE=/path sets NAME
# from a file (docker/entrypoint.sh).

FROM node:20.20-bookworm-slim AS base
WORKDIR /app
# Nothing phones home while building or running: Prisma's and turbo's telemetry are off (the
# gateway turns Apollo's off in code).
ENV CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NPM_CONFIG_UPDATE_NOTIFIER=false

# The package manifests alone, so `npm ci` reruns only when a dependency changes.
FROM base AS manifests
COPY . /src
RUN cd /src \
  && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents '{}' /app/ ';' \
  && cp package-lock.json .npmrc /app/

FROM base AS dependencies
COPY --from=manifests /app/ ./
RUN npm ci --no-audit --no-fund

# Prisma clients and typed resolvers (`generate`), then the gateway and every subgraph with the
# packages they use, compiled to dist/.
FROM dependencies AS build
COPY . .
RUN npm run generate \
  && npx turbo run build --filter=@jobber/gateway --filter='./subgraphs/*'

# The image keeps the dev dependencies: `jobber-db` runs its TypeScript through tsx.
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app ./
RUN mkdir -p /run/jobber-keys && chown node:node /run/jobber-keys
USER node
ENTRYPOINT ["/bin/sh", "docker/entrypoint.sh"]
CMD ["node", "gateway/dist/main.js"]
