#!/usr/bin/env bash
# The README's second command: installs what the tests need on a fresh machine,
# starts the lab, runs lint, type checks, unit, integration and browser tests,
# then stops the lab. Runs as root (dockerd, network namespaces, apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "scripts/test.sh must run as root (it starts a Docker Swarm lab)" >&2; exit 1; }

step "system packages"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v promtool >/dev/null || need+=(prometheus)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
# the lab installs docker.io, docker-registry, busybox-static, iptables and iproute2 itself
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"; }
fi

step "npm ci"
npm ci --no-audit --no-fund

step "lint and type checks"
npm run lint
npm run typecheck

step "unit tests"
npx jest --selectProjects unit
npm run test:web

step "build"
npm run build

step "lab up"
trap 'step "lab down"; bash scripts/lab.sh down || true' EXIT
bash scripts/lab.sh up >/dev/null
set -a; . "${LAB_DIR:-/tmp/solab}/lab.env"; set +a

step "integration tests"
npx jest --selectProjects integration --runInBand

if compgen -G "apps/web/e2e/*.e2e.mjs" >/dev/null; then
  step "browser tests (Chromium)"
  node --test --test-concurrency=1 apps/web/e2e/*.e2e.mjs
fi
