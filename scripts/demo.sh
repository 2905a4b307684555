#!/usr/bin/env bash
# npm run demo: try the orchestrator without a cluster. Starts the lab (three
# dockerd nodes in their own namespaces and a registry, as the tests use, see
# scripts/lab.sh), builds the app if the build is missing or older than the
# sources, runs it against the lab with a fresh catalog and one example
# definition, and prints the URL and the admin token. Ctrl-C stops the app and
# the lab (a lab that was already running is left running) and removes the
# demo's data. Runs as root. LAB_NET/LAB_DIR pick the lab (default 0,
# /tmp/solab), PORT (8080) and HOST (127.0.0.1) where the app listens.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[demo]\033[0m %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root: the lab starts dockerd and network namespaces (sudo npm run demo)"; exit 1; }

export LAB_NET=${LAB_NET:-0}
if [ "$LAB_NET" = 0 ]; then export LAB_DIR=${LAB_DIR:-/tmp/solab}; else export LAB_DIR=${LAB_DIR:-/tmp/solab$LAB_NET}; fi
PORT=${PORT:-8080}
HOST=${HOST:-127.0.0.1}
DEMO_DIR=$LAB_DIR/demo
APP_PID=
STARTED_LAB=0

cleanup() {
  local rc=$?
  # a second Ctrl-C must not cut the clean-up short
  trap '' INT TERM
  trap - EXIT
  printf '\n' >&2
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    say "stopping the app (pid $APP_PID)"
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ "$STARTED_LAB" = 1 ]; then
    say "stopping the lab ($LAB_DIR)"
    bash scripts/lab.sh down || true
  else
    rm -rf "$DEMO_DIR"
    [ -f "$LAB_DIR/lab.conf" ] && say "the lab in $LAB_DIR was running before the demo: left running (scripts/lab.sh down stops it)"
  fi
  say "stopped"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -d node_modules ] && [ package-lock.json -ot node_modules/.package-lock.json ] || { say "npm ci"; npm ci --no-audit --no-fund; }

# the build is needed when it is missing or any source is newer than it
api=dist/apps/api/src/main.js
web=apps/web/dist/index.html
if [ ! -f "$api" ] || [ ! -f "$web" ] \
   || [ -n "$(find apps libs package.json -newer "$api" \( -name '*.ts' -o -name '*.vue' -o -name '*.json' \) -not -path '*/dist/*' -not -path '*/e2e/*' -print -quit)" ] \
   || [ -n "$(find apps/web -newer "$web" \( -name '*.ts' -o -name '*.vue' -o -name '*.css' -o -name '*.html' \) -not -path '*/dist/*' -not -path '*/e2e/*' -print -quit)" ]; then
  say "building (npm run build)"
  npm run build >&2
fi

if bash scripts/lab.sh status >/dev/null 2>&1; then
  say "using the lab already running in $LAB_DIR"
else
  say "starting the lab in $LAB_DIR (LAB_NET=$LAB_NET): three nodes and a registry"
  STARTED_LAB=1
  bash scripts/lab.sh up >/dev/null
fi
set -a
# shellcheck disable=SC1091
. "$LAB_DIR/lab.env"
set +a

# a fresh catalog for each demo, with one definition that runs on the lab's registry
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR/data" "$DEMO_DIR/definitions"
cat >"$DEMO_DIR/definitions/hello.yaml" <<EOF
# The demo's example: a small web server from the lab's registry, two replicas.
name: hello
description: A static web page served by busybox httpd
tags: [demo, web]
image: $LAB_WEB_IMAGE
ports:
  - target: 80
    published: 8081
    mode: host
deploy:
  replicas: 2
EOF

say "starting the app on http://$HOST:$PORT (log: $DEMO_DIR/app.log)"
# no ADMIN_TOKEN: on a first start the app issues one into DATA_DIR/admin-token
env -u ADMIN_TOKEN NODE_ENV=production PORT="$PORT" HOST="$HOST" \
  DATA_DIR="$DEMO_DIR/data" DEFINITIONS_DIR="$DEMO_DIR/definitions" \
  node "$api" >"$DEMO_DIR/app.log" 2>&1 &
APP_PID=$!

for _ in $(seq 150); do
  kill -0 "$APP_PID" 2>/dev/null || { say "the app exited; the end of its log:"; tail -n 20 "$DEMO_DIR/app.log" >&2; exit 1; }
  curl -fsS -o /dev/null "http://$HOST:$PORT/api/health" 2>/dev/null && [ -s "$DEMO_DIR/data/admin-token" ] && break
  sleep 0.2
done
curl -fsS -o /dev/null "http://$HOST:$PORT/api/health" || { say "the app did not answer within 30 s; see $DEMO_DIR/app.log"; exit 1; }

cat <<EOF

  Swarm Orchestrator demo, on a three-node lab swarm ($LAB_DIR)

  Dashboard    http://$HOST:$PORT
  Admin token  $(cat "$DEMO_DIR/data/admin-token")
  API docs     http://$HOST:$PORT/api/docs

  The catalog has one definition, "hello": deploy it from the dashboard, then
  scale it, drain a node, read its logs. The docker CLI sees the same swarm:
    DOCKER_HOST=$DOCKER_HOST docker service ls

  Ctrl-C stops the app and the lab.

EOF
wait "$APP_PID" || true
say "the app stopped by itself; see $DEMO_DIR/app.log"
tail -n 20 "$DEMO_DIR/app.log" >&2 || true
exit 1
