# syntax=docker/dockerfile:1
# One image for all six CareLoop services; docker-compose.yml picks the service with APP (build arg,
# also the default command) or an explicit `command: node dist/apps/<name>/src/main.js`.
# Only the paths the build needs are copied, so the build context's node_modules/.cache are never sent.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these (patch-package) to the installed dependencies.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json nx.json swc.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# A 32 MB young generation (V8's default: 16): see SERVICE_NODE_FLAGS in libs/testing/src/service-process.ts.
ENV NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
ARG APP=auth-service
ENV APP=${APP}
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
