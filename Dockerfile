# syntax=docker/dockerfile:1
#
# Gramdesk: one image, three roles (bot, api, worker). By default one process runs all three;
# `node dist/src/main.js --role=api` (or bot, worker) runs one. See docker-compose.yml.

# ---------------------------------------------------------------------------------------------
# Build stage: install everything, compile TypeScript, then drop dev dependencies.
# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer is cached until the lockfile changes.
# The `node` devDependency downloads its own Node binary here; it only lives in this stage
# (npm prune removes it below) and the runtime uses the base image's Node 24.
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund

# Sources needed by `npm run build` (tsc -p tsconfig.build.json -> dist/src, dist/migrations).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY locales ./locales
COPY console ./console
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# Runtime stage: compiled JS + production node_modules, run as the unprivileged `node` user.
# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# V8 would grow its young generation to 64 MB per semi-space under a busy mailing (RSS ~100 MB
# more for no measurable throughput: bench/mailings.ts); 16 MB keeps a worker sending 1,000
# messages/s under 300 MB. Same flag as `npm start`.
ENV NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app

# Code stays owned by root (read-only for the app); only /app/data is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/locales ./locales
COPY --from=build /app/console ./console
# The sandbox's web chat (served without BOT_TOKEN) is plain files, read from the source tree.
COPY --from=build /app/src/platform/sandbox/web ./src/platform/sandbox/web

# Embedded PGlite database (./data/pglite) when DATABASE_URL is not set. Mount a volume here
# to keep it across container restarts.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 3000

# /health is served by the api role (the default runs all roles). For a bot- or worker-only
# container, disable the healthcheck (docker-compose.yml does this for the worker).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/src/main.js"]
