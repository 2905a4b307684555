#!/usr/bin/env bash
# Development: the API in watch mode on $PORT (8080) and the Vite dev server on
# :5173, which proxies /api to it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'kill 0' EXIT
npx nest start api --watch &
npx vite --config apps/web/vite.config.ts &
wait
