#!/usr/bin/env bash
# The project's test lab: a real multi-node Docker Swarm and a Docker Registry v2
# on this machine. Each node is its own dockerd in its own network, mount and UTS
# namespace, joined over a bridge; nothing is reachable outside this machine.
#
#   scripts/lab.sh up [--nodes N]   start (idempotent; restarts dead parts)
#   scripts/lab.sh down             stop every process by PID, remove namespaces and state
#   scripts/lab.sh status           what runs, and the swarm's nodes
#   scripts/lab.sh env              print the export lines tests use (DOCKER_HOST, REGISTRY_URL, ...)
#   scripts/lab.sh notify URL SECRET  the registry sends its notifications to URL (X-Registry-Secret: SECRET);
#                                     'notify off' stops them (LAB_REGISTRY_NOTIFY_URL/_SECRET do the same at 'up')
#
# Nodes: mini2 (manager), spark1 (worker, advertises a GPU generic resource and
# carries gpu=true, arch=aarch64 stand-in labels), rog1 (worker). --nodes 1 runs a
# single dockerd in the root namespace on 127.0.0.1 for quick runs.
# Environment: LAB_DIR (default /tmp/solab; keep it short, socket paths < 108 bytes),
# LAB_TIMEOUT (seconds for each wait, default 90), LAB_NET (0-99, default 0: 10.99.0.0/24).
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/solab}
TIMEOUT=${LAB_TIMEOUT:-90}
ALL_NAMES=(mini2 spark1 rog1)
# LAB_NET=N runs a separate lab on 10.99.N.0/24 (with its own LAB_DIR), so a
# clean-clone test run can go on beside a developer's lab
LAB_NET=${LAB_NET:-0}
[[ $LAB_NET =~ ^[0-9]{1,2}$ ]] || { echo "LAB_NET must be 0-99" >&2; exit 2; }
SUBNET=10.99.$LAB_NET
BRIDGE=solab$LAB_NET
NS=solab$LAB_NET-
REG_PORT=5000
IMAGE_REPO=busybox
IMAGE_TAGS=(1.0 latest)

say() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ packages
install_packages() {
  local need=() bin
  for bin in dockerd:docker.io docker:docker.io containerd:containerd runc:runc docker-registry:docker-registry \
             iptables:iptables ip:iproute2 curl:curl nsenter:util-linux unshare:util-linux setsid:util-linux \
             flock:util-linux pgrep:procps; do
    command -v "${bin%%:*}" >/dev/null 2>&1 || need+=("${bin#*:}")
  done
  # a static busybox runs inside an empty root file system; the dynamic one would not
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
  [ ${#need[@]} -eq 0 ] && return 0
  need=($(printf '%s\n' "${need[@]}" | sort -u))
  say "installing ${need[*]}"
  # stop package scripts from starting the system's own docker or registry services
  local policy=/usr/sbin/policy-rc.d made=0 rc=0
  [ -e $policy ] || { printf '#!/bin/sh\nexit 101\n' >$policy; chmod +x $policy; made=1; }
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends
             -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${need[@]}")
  "${apt[@]}" >&2 || { apt-get update >&2 && "${apt[@]}" >&2; } || rc=$?
  [ $made = 1 ] && rm -f $policy
  [ $rc = 0 ] || die "apt-get install ${need[*]} failed"
}

# ------------------------------------------------------------------ helpers
not_zombie() { local s; s=$(sed 's/^.*) //;s/ .*//' "/proc/$1/stat" 2>/dev/null) && [ "$s" != Z ]; }
pid_alive() { # pid_alive PIDFILE COMM: running and not a zombie (PID 1 may not reap what we killed)
  local pid; pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$2" ] && not_zombie "$pid"
}
wait_until() { # wait_until SECONDS WHAT CMD...
  local end=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || die "timed out waiting for $what"
    sleep 0.3
  done
}
sock_of() { echo "$LAB_DIR/n/$1/docker.sock"; }
dk() { local n=$1; shift; docker -H "unix://$(sock_of "$n")" "$@"; }
ip_of() { # ip_of INDEX
  if [ "$MODE" = single ]; then echo 127.0.0.1; else echo "$SUBNET.$(( $1 + 2 ))"; fi
}
cgroup_roots() { awk '$3=="cgroup"||$3=="cgroup2"{print $2}' /proc/self/mounts; }
track_root() { # where a node's daemons are put, so everything it spawns can be found by PID
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo /sys/fs/cgroup
  elif [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then echo /sys/fs/cgroup/pids; fi
}
node_pids() { # every live PID that belongs to the named nodes: cgroups and network namespaces
  local n r
  { for n in "$@"; do
      for r in $(cgroup_roots); do
        [ -d "$r/$NS$n" ] && find "$r/$NS$n" -name cgroup.procs -exec cat {} + 2>/dev/null
      done
      [ -e "/run/netns/$NS$n" ] && ip netns pids "$NS$n" 2>/dev/null
    done; true; } | sort -un | while read -r p; do not_zombie "$p" && echo "$p"; done; true
}
kill_nodes() { # kill_nodes NAME...: SIGKILL by PID until nothing is left, then drop the cgroups
  local i pids n r
  for i in 1 2 3 4 5; do
    pids=$(node_pids "$@")
    [ -z "$pids" ] && break
    kill -9 $pids 2>/dev/null || true
    sleep 0.3
  done
  for n in "$@"; do for r in $(cgroup_roots); do
    [ -d "$r/$NS$n" ] && find "$r/$NS$n" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done; done
}

# ------------------------------------------------------------------ network
net_up() {
  ip link show $BRIDGE >/dev/null 2>&1 || ip link add $BRIDGE type bridge
  ip addr replace "$SUBNET.1/24" dev $BRIDGE
  ip link set $BRIDGE up
  # with br_netfilter, bridged node-to-node packets cross the root FORWARD chain,
  # whose policy a root-namespace dockerd may have set to DROP
  iptables -C FORWARD -i $BRIDGE -o $BRIDGE -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i $BRIDGE -o $BRIDGE -j ACCEPT
  local i n veth
  for i in "${!NAMES[@]}"; do
    n=${NAMES[$i]}; veth=${NS}v$i
    [ -e "/run/netns/$NS$n" ] || ip netns add "$NS$n"
    if ! ip -n "$NS$n" link show eth0 >/dev/null 2>&1; then
      ip link del "$veth" 2>/dev/null || true # left by a namespace still being torn down
      wait_until 10 "veth $veth" ip link add "$veth" type veth peer name eth0 netns "$NS$n"
    fi
    ip link set "$veth" master $BRIDGE up
    ip -n "$NS$n" addr replace "$(ip_of "$i")/24" dev eth0
    ip -n "$NS$n" link set lo up
    ip -n "$NS$n" link set eth0 up
  done
}

# ------------------------------------------------------------------ registry
registry_up() {
  local d=$LAB_DIR/registry
  mkdir -p "$d/data"
  # notifications to the app (image lifecycle tests): from LAB_REGISTRY_NOTIFY_URL/_SECRET, else as
  # 'lab.sh notify' last set them; the registry restarts when its configuration changed
  if [ -n "${LAB_REGISTRY_NOTIFY_URL:-}" ]; then
    printf 'NOTIFY_URL=%q\nNOTIFY_SECRET=%q\n' "$LAB_REGISTRY_NOTIFY_URL" "${LAB_REGISTRY_NOTIFY_SECRET:-}" >"$d/notify.env"
  fi
  local NOTIFY_URL="" NOTIFY_SECRET="" notify=""
  if [ -f "$d/notify.env" ]; then . "$d/notify.env"; fi
  [ -n "$NOTIFY_URL" ] && notify="notifications:
  endpoints:
    - name: orchestrator
      url: $NOTIFY_URL
      headers: { X-Registry-Secret: [\"$NOTIFY_SECRET\"] }
      timeout: 2s
      threshold: 3
      backoff: 1s
      ignoredmediatypes: [application/octet-stream]"
  cat >"$d/config.yml.new" <<YML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $d/data }
  delete: { enabled: true }
http: { addr: "$REGISTRY" }
$notify
YML
  if ! cmp -s "$d/config.yml.new" "$d/config.yml" && pid_alive "$d/pid" docker-registry; then
    say "registry configuration changed: restarting it"
    kill -9 "$(cat "$d/pid")" 2>/dev/null || true
    wait_until 10 "the old registry to exit" sh -c "! curl -fsS http://$REGISTRY/v2/"
  fi
  mv "$d/config.yml.new" "$d/config.yml"
  if ! pid_alive "$d/pid" docker-registry; then
    say "starting registry on $REGISTRY"
    setsid sh -c 'echo $$ >"$1"; exec docker-registry serve "$2"' sh "$d/pid" "$d/config.yml" \
      </dev/null >>"$d/log" 2>&1 9>&- &
  fi
  wait_until 30 "registry http://$REGISTRY/v2/" curl -fsS "http://$REGISTRY/v2/"
}

# ------------------------------------------------------------------ nodes
# Runs inside the node's new mount and UTS namespace. In netns mode /sys is
# remounted for the node's network namespace (as `ip netns exec` does), but the
# cgroup tree is carried over: without it dockerd fails "Devices cgroup isn't mounted".
NODE_LAUNCHER='set -e
name=$1 dir=$2 track=$3 newsys=$4 prefix=$5
hostname "$name"
if [ -n "$track" ]; then mkdir -p "$track/$prefix$name/daemon" && echo $$ >"$track/$prefix$name/daemon/cgroup.procs" || true; fi
if [ "$newsys" = 1 ]; then
  keep=$dir/.cg; mkdir -p "$keep"
  mount --rbind /sys/fs/cgroup "$keep"
  umount -l /sys
  mount -t sysfs sysfs /sys
  mount --rbind "$keep" /sys/fs/cgroup
  umount -l "$keep"; rmdir "$keep"
fi
exec dockerd --config-file "$dir/daemon.json"'

node_up() { # node_up INDEX
  local i=$1 n=${NAMES[$1]} dir=$LAB_DIR/n/${NAMES[$1]} extra=""
  mkdir -p "$dir"
  # spark1 stands in for the GPU node: a named generic resource the scheduler can reserve
  [ "$n" = spark1 ] && extra='"node-generic-resources": ["NVIDIA-GPU=GPU-lab-0"],'
  cat >"$dir/daemon.json" <<JSON
{
  "data-root": "$dir/data",
  "exec-root": "$dir/x",
  "pidfile": "$dir/docker.pid",
  "deprecated-key-path": "$dir/key.json",
  "hosts": ["unix://$dir/docker.sock"],
  "insecure-registries": ["$REGISTRY"],
  "cgroup-parent": "/$NS$n",
  $extra
  "log-level": "warn"
}
JSON
  pid_alive "$dir/docker.pid" dockerd && return 0
  kill_nodes "$n"
  # dockerd reuses the containerd named in containerd.pid when kill(pid, 0) succeeds,
  # which it does for an unreaped zombie: the killed node's pid files must go
  rm -f "$dir/docker.sock" "$dir/docker.pid" "$dir/x/containerd/containerd.pid"
  say "starting dockerd $n ($(ip_of "$i"))"
  local pre=() newsys=0
  if [ "$MODE" = netns ]; then pre=(nsenter "--net=/run/netns/$NS$n" --); newsys=1; fi
  setsid "${pre[@]}" unshare --mount --uts --propagation slave -- \
    sh -c "$NODE_LAUNCHER" launcher "$n" "$dir" "$(track_root)" "$newsys" "$NS" \
    </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
}

manager_active() { [ "$(dk "$MANAGER" info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null)" = true ]; }
local_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
all_ready() {
  local out n; out=$(dk "$MANAGER" node ls --format '{{.Hostname}} {{.Status}}') || return 1
  for n in "${NAMES[@]}"; do grep -qx "$n Ready" <<<"$out" || return 1; done
}

swarm_up() {
  [ "$(local_state "$MANAGER")" = inactive ] && {
    say "swarm init on $MANAGER"
    dk "$MANAGER" swarm init --advertise-addr "$(ip_of 0)" --listen-addr "$(ip_of 0):2377" >/dev/null
  }
  wait_until "$TIMEOUT" "manager $MANAGER active" manager_active
  # a 1 s heartbeat makes the swarm notice a dead node in ~4 s instead of 11-15 s
  dk "$MANAGER" swarm update --dispatcher-heartbeat 1s >/dev/null
  local token i n joins=()
  token=$(dk "$MANAGER" swarm join-token -q worker)
  for i in "${!NAMES[@]}"; do
    [ "$i" = 0 ] && continue
    n=${NAMES[$i]}
    if [ "$(local_state "$n")" = inactive ]; then
      say "swarm join $n"
      dk "$n" swarm join --token "$token" --advertise-addr "$(ip_of "$i")" --listen-addr "$(ip_of "$i"):2377" "$(ip_of 0):2377" >/dev/null &
      joins+=($!)
    fi
  done
  for p in "${joins[@]}"; do wait "$p" || die "swarm join failed (see $LAB_DIR/n/*/dockerd.log)"; done
  wait_until "$TIMEOUT" "${#NAMES[@]} Ready nodes" all_ready
  # labels the tests place services with; spark1 plays the aarch64 GPU node
  local want
  for n in "${NAMES[@]}"; do
    case $n in
      spark1) want=(--label-add gpu=true --label-add arch=aarch64 --label-add lab.node=spark1) ;;
      *) want=(--label-add lab.node="$n") ;;
    esac
    dk "$MANAGER" node update "${want[@]}" "$n" >/dev/null
  done
}

# ------------------------------------------------------------------ the offline image
seed_image() {
  local tar=$LAB_DIR/busybox-rootfs.tar
  if [ ! -s "$tar" ]; then
    local r=$LAB_DIR/rootfs p
    rm -rf "$r"; mkdir -p "$r"/{bin,etc,tmp,www,root,proc,sys,dev}
    cp "$(readlink -f /bin/busybox)" "$r/bin/busybox"
    for p in $("$r/bin/busybox" --list-full); do
      [ "$p" = bin/busybox ] && continue
      mkdir -p "$r/$(dirname "$p")"; ln -sf /bin/busybox "$r/$p"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    echo 'swarm orchestrator lab' >"$r/www/index.html"
    chmod 1777 "$r/tmp"
    tar -C "$r" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$r"
  fi
  # a second image whose default command serves /www on port 80 and keeps running
  if ! curl -fsS "http://$REGISTRY/v2/web/tags/list" 2>/dev/null | grep -q '"1.0"'; then
    say "pushing $REGISTRY/web:1.0"
    dk "$MANAGER" import -c 'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]' -c 'EXPOSE 80' "$tar" "$REGISTRY/web:1.0" >/dev/null
    dk "$MANAGER" push "$REGISTRY/web:1.0" >/dev/null
  fi
  local tags; tags=$(curl -fsS "http://$REGISTRY/v2/$IMAGE_REPO/tags/list" 2>/dev/null || true)
  local t missing=0
  for t in "${IMAGE_TAGS[@]}"; do grep -q "\"$t\"" <<<"$tags" || missing=1; done
  [ $missing = 0 ] && return 0
  say "pushing $REGISTRY/$IMAGE_REPO:{${IMAGE_TAGS[*]}}"
  dk "$MANAGER" import -c 'CMD ["/bin/sh"]' "$tar" "$REGISTRY/$IMAGE_REPO:${IMAGE_TAGS[0]}" >/dev/null
  for t in "${IMAGE_TAGS[@]}"; do
    dk "$MANAGER" tag "$REGISTRY/$IMAGE_REPO:${IMAGE_TAGS[0]}" "$REGISTRY/$IMAGE_REPO:$t"
    dk "$MANAGER" push "$REGISTRY/$IMAGE_REPO:$t" >/dev/null
  done
}

write_env() {
  {
    echo "export DOCKER_HOST=unix://$(sock_of "$MANAGER")"
    echo "export REGISTRY_URL=http://$REGISTRY"
    echo "export LAB_REGISTRY=$REGISTRY"
    echo "export LAB_IMAGE=$REGISTRY/$IMAGE_REPO:${IMAGE_TAGS[0]}"
    echo "export LAB_WEB_IMAGE=$REGISTRY/web:1.0"
    echo "export LAB_NODES=\"${NAMES[*]}\""
    echo "export LAB_MODE=$MODE"
    echo "export LAB_DIR=$LAB_DIR"
    local i
    for i in "${!NAMES[@]}"; do
      echo "export LAB_SOCK_${NAMES[$i]}=unix://$(sock_of "${NAMES[$i]}")"
      echo "export LAB_IP_${NAMES[$i]}=$(ip_of "$i")"
    done
  } >"$LAB_DIR/lab.env.tmp"
  mv "$LAB_DIR/lab.env.tmp" "$LAB_DIR/lab.env"
}

load_conf() { # the shape of a lab that already exists, so down/status/env know it
  NODES=${NODES:-3} MODE=${MODE:-}
  if [ -f "$LAB_DIR/lab.conf" ]; then . "$LAB_DIR/lab.conf"; fi
  NAMES=("${ALL_NAMES[@]:0:$NODES}")
  MANAGER=${NAMES[0]}
  [ -n "$MODE" ] || { [ "$NODES" = 1 ] && MODE=single || MODE=netns; }
  if [ "$MODE" = single ]; then REGISTRY=127.0.0.1:$REG_PORT; else REGISTRY=$SUBNET.1:$REG_PORT; fi
}

lock() { mkdir -p "$LAB_DIR"; exec 9>"$LAB_DIR/.lock"; flock -w 300 9 || die "another lab.sh holds $LAB_DIR/.lock"; }

cmd_up() {
  local want=3
  while [ $# -gt 0 ]; do case $1 in
    --nodes) want=${2:?}; shift 2 ;; --nodes=*) want=${1#*=}; shift ;; *) die "unknown option $1" ;; esac
  done
  [[ $want =~ ^[1-3]$ ]] || die "--nodes must be 1, 2 or 3"
  [ "$(id -u)" = 0 ] || die "must run as root (dockerd, namespaces, iptables)"
  local t0; t0=$(date +%s.%N)
  lock
  if [ -f "$LAB_DIR/lab.conf" ]; then
    local had; had=$(. "$LAB_DIR/lab.conf"; echo "$NODES")
    [ "$had" = "$want" ] || die "a $had-node lab exists in $LAB_DIR; run 'lab.sh down' first"
  fi
  NODES=$want MODE=""; load_conf
  if [ "$MODE" = single ]; then
    for p in $(pgrep -x dockerd || true); do
      [ "$p" = "$(cat "$LAB_DIR/n/$MANAGER/docker.pid" 2>/dev/null)" ] && continue
      [ "$(readlink /proc/"$p"/ns/net)" = "$(readlink /proc/self/ns/net)" ] \
        && die "dockerd $p already runs in the root network namespace; single-node mode would fight it for docker0 and :2377"
    done
  fi
  install_packages
  mkdir -p "$LAB_DIR/n"
  printf 'NODES=%s\nMODE=%s\n' "$NODES" "$MODE" >"$LAB_DIR/lab.conf"
  [ "$MODE" = netns ] && net_up
  registry_up
  local i n
  for i in "${!NAMES[@]}"; do node_up "$i"; done
  for n in "${NAMES[@]}"; do wait_until "$TIMEOUT" "dockerd $n (log $LAB_DIR/n/$n/dockerd.log)" dk "$n" version; done
  swarm_up
  seed_image
  write_env
  say "up: ${NAMES[*]} (manager $MANAGER), registry http://$REGISTRY, in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}")s"
  cat "$LAB_DIR/lab.env"
}

cmd_down() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  [ -d "$LAB_DIR" ] || { say "nothing to stop"; }
  local t0; t0=$(date +%s.%N)
  [ -d "$LAB_DIR" ] && lock
  NODES=3; MODE=""; load_conf
  NAMES=("${ALL_NAMES[@]}") # whatever was started, stop all names
  local n p pids=()
  for n in "${NAMES[@]}"; do
    pid_alive "$LAB_DIR/n/$n/docker.pid" dockerd && pids+=("$(cat "$LAB_DIR/n/$n/docker.pid")")
  done
  # the state is thrown away: SIGKILL dockerd; containerd dies with it, and
  # shims and containers are found by cgroup and namespace below
  [ ${#pids[@]} -gt 0 ] && { say "killing dockerd ${pids[*]}"; kill -9 "${pids[@]}" 2>/dev/null || true; }
  kill_nodes "${NAMES[@]}"
  if pid_alive "$LAB_DIR/registry/pid" docker-registry; then
    p=$(cat "$LAB_DIR/registry/pid"); say "killing registry $p"; kill -9 "$p" 2>/dev/null || true
  fi
  if command -v ip >/dev/null; then
    # host-side veths first: deleting a namespace drops its pair asynchronously
    for l in $(ip -o link show 2>/dev/null | sed -n "s/^[0-9]*: \\(${NS}v[0-9]*\\)@.*/\\1/p"); do ip link del "$l" 2>/dev/null || true; done
    for f in /run/netns/"$NS"*; do
      [ -e "$f" ] || continue
      pids=($(ip netns pids "${f##*/}" 2>/dev/null || true))
      [ ${#pids[@]} -gt 0 ] && kill -9 "${pids[@]}" 2>/dev/null || true
      ip netns del "${f##*/}" 2>/dev/null || true
    done
    ip link show $BRIDGE >/dev/null 2>&1 && ip link del $BRIDGE 2>/dev/null || true
    if [ "$MODE" = single ]; then
      local other=0
      for p in $(pgrep -x dockerd || true); do [ "$(readlink /proc/"$p"/ns/net)" = "$(readlink /proc/self/ns/net)" ] && other=1; done
      [ $other = 0 ] && for l in docker_gwbridge docker0; do ip link del $l 2>/dev/null || true; done
    fi
  fi
  if command -v iptables >/dev/null; then
    while iptables -C FORWARD -i $BRIDGE -o $BRIDGE -j ACCEPT 2>/dev/null; do iptables -D FORWARD -i $BRIDGE -o $BRIDGE -j ACCEPT; done
  fi
  if [ -d "$LAB_DIR" ]; then
    awk -v s="$LAB_DIR/" 'index($5, s) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    find "$LAB_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf --one-file-system {} +
  fi
  say "down in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}")s"
}

cmd_status() {
  NODES=3; MODE=""; load_conf
  [ -f "$LAB_DIR/lab.conf" ] || { echo "lab: not started"; return 1; }
  local n rc=0
  pid_alive "$LAB_DIR/registry/pid" docker-registry && echo "registry  up   http://$REGISTRY (pid $(cat "$LAB_DIR/registry/pid"))" || { echo "registry  DOWN"; rc=1; }
  for n in "${NAMES[@]}"; do
    if pid_alive "$LAB_DIR/n/$n/docker.pid" dockerd; then echo "$n  up   dockerd pid $(cat "$LAB_DIR/n/$n/docker.pid")"; else echo "$n  DOWN"; rc=1; fi
  done
  dk "$MANAGER" node ls 2>/dev/null || rc=1
  return $rc
}

cmd_notify() { # notify URL SECRET | notify off: the registry's notification endpoint
  [ "$(id -u)" = 0 ] || die "must run as root"
  [ -f "$LAB_DIR/lab.conf" ] || die "no lab in $LAB_DIR; run 'lab.sh up'"
  lock
  NODES=3; MODE=""; load_conf
  case "${1:-}" in
    off) rm -f "$LAB_DIR/registry/notify.env"; unset LAB_REGISTRY_NOTIFY_URL ;;
    http://*|https://*) LAB_REGISTRY_NOTIFY_URL=$1 LAB_REGISTRY_NOTIFY_SECRET=${2:?secret}; export LAB_REGISTRY_NOTIFY_URL LAB_REGISTRY_NOTIFY_SECRET ;;
    *) die "usage: lab.sh notify URL SECRET | lab.sh notify off" ;;
  esac
  registry_up
}

cmd_env() { [ -f "$LAB_DIR/lab.env" ] || die "no lab in $LAB_DIR; run 'lab.sh up'"; cat "$LAB_DIR/lab.env"; }

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  notify) shift; cmd_notify "$@" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
