# Swarm Orchestrator: the API serving the dashboard, as one small Node image.
#
#   docker build --platform linux/amd64 -t mini2:5000/swarm-orchestrator:1.0 .
#
# The base images are arguments, so the image builds where Docker Hub is out of
# reach (point them at your registry's mirror). The `prebuilt` target builds
# nothing: it packs a context made by `npm run deploy:build -- --prebuilt`
# (dist/, apps/web/dist/, production node_modules/), for builders with no
# network at all, such as the test lab.
ARG BUILD_IMAGE=node:20-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- runtime shared by both ways in
FROM ${NODE_IMAGE} AS runtime-base
WORKDIR /app
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data DEFINITIONS_DIR=/definitions WEB_DIST_DIR=/app/apps/web/dist
EXPOSE 8080
# liveness without curl in the image: Node's own fetch
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# the state directories belong to the app's user, so fresh named volumes do too
COPY --chown=1000:1000 package.json /data/.keep
COPY --chown=1000:1000 package.json /definitions/.keep
# non-root; give it the Docker socket's group at run time (see docker-compose.prod.yml)
USER 1000:1000
CMD ["node", "dist/apps/api/src/main.js"]

# ---- from prebuilt artifacts in the build context
FROM runtime-base AS prebuilt
COPY --chown=1000:1000 package.json ./
COPY --chown=1000:1000 node_modules ./node_modules
COPY --chown=1000:1000 dist ./dist
COPY --chown=1000:1000 apps/web/dist ./apps/web/dist

# (the build stage comes after `prebuilt`: the legacy builder runs every stage before its target)
# ---- build: compile the API and the web app, then drop dev dependencies
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- the default: built here
FROM runtime-base AS runtime
COPY --from=build --chown=1000:1000 /src/package.json ./
COPY --from=build --chown=1000:1000 /src/node_modules ./node_modules
COPY --from=build --chown=1000:1000 /src/dist ./dist
COPY --from=build --chown=1000:1000 /src/apps/web/dist ./apps/web/dist
