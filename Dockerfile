# syntax=docker/dockerfile:1
# The modelgate gateway. Build: `docker build -t modelgate .` (or `docker compose build`).
# Run: `docker run -p 4000:4000 -v "$PWD/modelgate.yaml:/etc/modelgate/modelgate.yaml:ro" modelgate`, with a
# config that sets server.host 0.0.0.0 and `auth` (without auth the gateway only binds loopback).
# docker-compose.yml runs it with deploy/modelgate.compose.yaml; see docs/operations.md.

# ---- build: every dependency, compile TypeScript and the console, then drop the dev dependencies ----
FROM node:24-bookworm-slim AS build
# Only used when a native module (better-sqlite3) has no prebuilt binary for the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
# The web console (served at /ui), built by Vite into dist/ui.
COPY ui ./ui
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the compiled code only, as a non-root user ----
FROM node:24-bookworm-slim AS runtime
# git: the git-yaml backend runs the git CLI.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    MODELGATE_CONFIG=/etc/modelgate/modelgate.yaml
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# Seed of the example git-yaml registry (deploy/modelgate.compose.yaml's seedFrom).
COPY examples/registry ./examples/registry
# dataDir of the compose config; a named volume mounted here starts with this owner.
RUN mkdir -p /var/lib/modelgate && chown node:node /var/lib/modelgate
# `node` (uid 1000) comes with the base image.
USER node
EXPOSE 4000
# The image has no curl: Node's fetch asks /healthz (liveness: the process serves HTTP; it calls no
# store or backend, unlike /readyz, which load balancers use).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/modelgate.js"]
CMD ["serve"]
