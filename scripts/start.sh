#!/usr/bin/env bash
# The README's first command: install, build the dashboard and the API, and run
# it on $PORT (8080) against $DOCKER_HOST, with SQLite in $DATA_DIR (./data).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] && [ package-lock.json -ot node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
npm run build
export NODE_ENV=${NODE_ENV:-production}
exec node dist/apps/api/src/main.js
