# syntax=docker/dockerfile:1
# SlotPilot server with the built Mini App inside. Multi-stage: build everything, ship production dependencies only.

FROM node:24-slim AS base
RUN npm install --global pnpm@12 && npm cache clean --force
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=true

# Manifests first, so dependency layers are cached across source changes.
FROM base AS manifests
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY server/package.json server/
COPY miniapp/package.json miniapp/
COPY shared/package.json shared/

FROM manifests AS build
RUN pnpm install --frozen-lockfile
COPY shared shared
COPY server server
COPY miniapp miniapp
# Production build without source maps (and none left behind): they would publish the Mini App's source.
RUN NODE_ENV=production pnpm -C miniapp run build && find miniapp/dist -name '*.map' -delete

FROM manifests AS prod-deps
RUN pnpm install --frozen-lockfile --prod --filter @slotpilot/server...

FROM node:24-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
# The heap budget (server/src/platform/heap-budget.ts says why); override NODE_OPTIONS to give an instance more.
ENV NODE_OPTIONS="--max-semi-space-size=16 --max-old-space-size=320"
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app /app
COPY --from=build --chown=node:node /app/shared/src shared/src
COPY --from=build --chown=node:node /app/server/src server/src
COPY --from=build --chown=node:node /app/miniapp/dist miniapp/dist
USER node
# 3000: the app (behind the proxy); 9464: GET /metrics only, when METRICS_PORT=9464 (never published through the proxy).
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form), so the graceful stop runs. The GC flag is V8's, refused in NODE_OPTIONS.
CMD ["node", "--no-allocation-site-pretenuring", "--import", "tsx", "server/src/main.ts"]
