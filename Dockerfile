# syntax=docker/dockerfile:1
# One image for the web app, the projection worker and the migrate step (docker-compose.yml picks
# the command). Node 20, multi-stage: install, build, then a runtime stage without build caches.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# the embedded event store is a workspace package: npm ci needs its manifest (and links its bin)
COPY embedded/package.json embedded/
COPY embedded/bin embedded/bin
RUN npm ci --no-audit --no-fund

FROM deps AS build
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000
# The migrate step runs TypeScript through tsx, so the full node_modules and the sources come
# along; the web app runs from the .next build, the worker from its bundle (dist/worker).
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node . .
USER node
EXPOSE 3000
CMD ["npx", "next", "start", "--port", "3000"]
