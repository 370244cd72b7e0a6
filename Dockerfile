# syntax=docker/dockerfile:1
# One image for the web app, the projection worker and the migrate step (docker-compose.yml picks
# the command). Node 24 LTS, multi-stage: install and build with every dependency, then a runtime
# stage holding only what production runs, as a non-root user:
#   - Next's standalone server (next.config.mjs `output: 'standalone'`: server.js and the few
#     node_modules it traced), with its static files;
#   - the worker and the migrate step, each one bundled JavaScript file (scripts/build-bundles.ts);
#   - drizzle/, the SQL the migrate step applies.
# No development dependencies, no tsx, no embedded-postgres (the image talks to real servers).

FROM node:24-bookworm-slim AS deps
WORKDIR /app
# The workspace package's manifest and bin are linked by npm ci; patches/ is applied by its
# postinstall (patch-package: the postgres driver fix).
COPY package.json package-lock.json ./
COPY embedded/package.json embedded/package.json
COPY embedded/bin embedded/bin
COPY patches patches
RUN npm ci --no-audit --no-fund

FROM deps AS build
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/drizzle ./drizzle
USER node
EXPOSE 3000
CMD ["node", "server.js"]
