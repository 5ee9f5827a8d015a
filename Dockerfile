# syntax=docker/dockerfile:1.7
# IRS Hold Hunter: one image for every instance (`fly deploy`, docker-compose.yml). The app runs its TypeScript
# through tsx (a production dependency), so there is no build step: the image is the sources plus production
# dependencies. scripts/docker-steps.ts replays these steps without Docker and checks the result answers /readyz;
# keep every step in a form it understands (ARG, FROM … AS, WORKDIR, COPY [--from], RUN, ENV, USER, EXPOSE,
# HEALTHCHECK, STOPSIGNAL, CMD in exec form).
ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (no vitest, eslint, playwright); the npm cache stays in BuildKit's cache mount.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8080 LOG_LEVEL=info
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY machines ./machines
COPY views ./views
COPY src ./src
# Never root: the app needs no privileges (it listens on 8080 and writes only to /tmp, tsx's compile cache).
USER node
EXPOSE 8080
# Liveness only (the process answers); Fly and Compose route traffic by /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown: hunts are handed to another instance within 25 s (fly.toml kill_timeout 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "bin/hold-hunter.js", "serve"]
