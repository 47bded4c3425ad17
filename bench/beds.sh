#!/usr/bin/env bash
# Perisai benchmark beds A-D, each in network namespaces of its own (root required).
#
#   bench/beds.sh up       build all beds (idempotent: a healthy set of beds is left as it is)
#   bench/beds.sh down     remove them (kills only the processes `up` started, by pid file; safe twice)
#   bench/beds.sh status   print the state; exit 0 when every bed is healthy
#
# Namespaces: pb-lo (bed A), pb-scan (scanner side of B, C, D), pb-tgt (targets of B, C, D).
# Addresses: 127.0.0.1 inside pb-lo, otherwise only 198.18.0.0/15, and only inside these namespaces.
# Nothing is configured in the root namespace. Env: BENCH_STATE (default /run/perisai-bench),
# BENCH_SEED (default 20170512).
#
#   A  pb-lo: 127.0.0.1, 65,535 ports, 300 seeded listeners (22 80 135 139 443 445 3389 + 293 outside 32768-60999)
#   B  pb-scan 198.19.0.1/24 (pb-s0) <-veth-> pb-tgt 198.19.0.2/24 (pb-t0); pb-tgt answers all of 198.18.0.0/16
#      (AnyIP: local route on lo); 256 seeded addresses listen on 445, the rest RST
#   C  198.19.16.0/20 over the same veth: nft (prerouting, priority raw) in pb-tgt drops everything but a /25 of
#      RST hosts + 12 listeners on 445 -> 3,956 of 4,096 (96.6 %) silent
#   D  198.19.32.0/20, same composition, routed over pb-tunS (pb-scan, 198.19.1.1) <-> pb-tunT (pb-tgt), two TUN
#      devices joined by a user-space relay (beds/relay.py) that delays each packet 25 ms +- 5 ms each way
#      (this kernel has no sch_netem); txqueuelen 20000 on both TUNs
# Ground truth: $BENCH_STATE/truth.json.
set -euo pipefail

STATE=${BENCH_STATE:-/run/perisai-bench}
SEED=${BENCH_SEED:-20170512}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
NS_LO=pb-lo NS_SCAN=pb-scan NS_TGT=pb-tgt
ALL_NS="$NS_LO $NS_SCAN $NS_TGT"
# name -> namespace the process runs in, script it runs
PROCS="listen-a listen-t relay"

log() { printf 'beds: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ns_exists() { [ -e "/run/netns/$1" ]; }

# pid of a process we started, only if it is still alive and still runs our script
our_pid() {
  local f="$STATE/$1.pid" pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$HERE/beds/" || return 1
  echo "$pid"
}

wait_file() {  # wait_file PATH SECONDS
  local i
  for ((i = 0; i < $2 * 20; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}

start_proc() {  # start_proc NAME NS SCRIPT ARGS... ; the script writes its pid to $STATE/NAME.pid when ready
  local name=$1 ns=$2 script=$3; shift 3
  rm -f "$STATE/$name.pid"
  # ip netns exec execs the command, so the pid file holds the script's own pid
  setsid ip netns exec "$ns" "$PY" "$HERE/beds/$script" "$@" "$STATE/$name.pid" \
    </dev/null >>"$STATE/$name.log" 2>&1 &
  wait_file "$STATE/$name.pid" 10 || die "$name did not become ready (see $STATE/$name.log)"
}

status() {  # status [quiet]
  local ok=0 q=${1:-} ns p n
  say() { [ -n "$q" ] || printf '%s\n' "$*"; }
  for ns in $ALL_NS; do
    if ns_exists "$ns"; then say "netns $ns: present"; else say "netns $ns: MISSING"; ok=1; fi
  done
  for p in $PROCS; do
    if n=$(our_pid "$p"); then say "process $p: pid $n"; else say "process $p: NOT RUNNING"; ok=1; fi
  done
  if [ -s "$STATE/truth.json" ]; then
    if grep -q "\"seed\": $SEED," "$STATE/truth.json"; then say "truth: $STATE/truth.json (seed $SEED)"
    else say "truth: $STATE/truth.json has another seed than $SEED"; ok=1; fi
  else say "truth: MISSING"; ok=1; fi
  if [ $ok -eq 0 ]; then
    local la lt
    la=$(ip netns exec $NS_LO ss -Hltn 2>/dev/null | wc -l)
    lt=$(ip netns exec $NS_TGT ss -Hltn 2>/dev/null | wc -l)
    say "listeners: pb-lo $la (want 300), pb-tgt $lt (want 280)"
    [ "$la" -eq 300 ] && [ "$lt" -eq 280 ] || ok=1
    ip -n $NS_TGT link show pb-tunT >/dev/null 2>&1 || { say "pb-tunT: MISSING"; ok=1; }
    ip -n $NS_SCAN link show pb-tunS >/dev/null 2>&1 || { say "pb-tunS: MISSING"; ok=1; }
    ip netns exec $NS_TGT nft list table inet pb_bench >/dev/null 2>&1 || { say "nft table pb_bench: MISSING"; ok=1; }
    if [ -z "$q" ] && [ $ok -eq 0 ]; then
      local dl; dl=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["beds"]["D"]["open"][0][0])' "$STATE/truth.json")
      say "bed D round trip to $dl: $(ip netns exec $NS_SCAN ping -n -q -c 5 -i 0.2 -W 1 "$dl" 2>&1 | tail -1)"
      ip netns exec $NS_TGT nft list chain inet pb_bench pre | grep -o 'counter packets [0-9]*' \
        | sed 's/^/dropped silent (C, D): /' || true
    fi
  fi
  [ -n "$q" ] || { [ $ok -eq 0 ] && echo "beds: healthy" || echo "beds: NOT healthy"; }
  return $ok
}

down() {
  local p pid ns
  for p in $PROCS; do
    if pid=$(our_pid "$p"); then kill "$pid" 2>/dev/null || true; fi
  done
  for p in $PROCS; do
    if pid=$(our_pid "$p"); then
      for _ in $(seq 40); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
      [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/$p.pid"
  done
  for ns in $ALL_NS; do
    if ns_exists "$ns"; then ip netns del "$ns"; fi
  done
  rm -rf "$STATE"
}

up() {
  if status quiet; then log "already up (state $STATE)"; return 0; fi
  down
  # build in a child process so that `set -e` holds everywhere; tear down whatever it left on failure
  if ! "$BASH" "${BASH_SOURCE[0]}" _build; then down; die "up failed (torn down again)"; fi
  status quiet || { status || true; down; die "beds are not healthy after up"; }
  log "up (state $STATE, seed $SEED)"
}

build() {
  mkdir -p "$STATE"
  "$PY" "$HERE/beds/plan.py" "$STATE" "$SEED"

  # A: a private loopback
  ip netns add $NS_LO
  ip -n $NS_LO link set lo up
  start_proc listen-a $NS_LO listen.py "$STATE/listen-a.json"

  # B: scanner <-veth-> targets, AnyIP for the whole /16 (and for the /20s of C and D)
  ip netns add $NS_SCAN
  ip netns add $NS_TGT
  ip -n $NS_SCAN link set lo up
  ip -n $NS_TGT link set lo up
  ip -n $NS_SCAN link add pb-s0 address 02:70:62:00:00:01 type veth \
    peer name pb-t0 address 02:70:62:00:00:02 netns $NS_TGT
  ip -n $NS_SCAN addr add 198.19.0.1/24 dev pb-s0
  ip -n $NS_TGT addr add 198.19.0.2/24 dev pb-t0
  ip -n $NS_SCAN link set pb-s0 up
  ip -n $NS_TGT link set pb-t0 up
  ip -n $NS_SCAN route add 198.18.0.0/16 via 198.19.0.2 dev pb-s0
  ip -n $NS_TGT route add local 198.18.0.0/16 dev lo

  # C: a /20 behind the same veth, 96.6 % dropped silently by nft in pb-tgt
  ip -n $NS_SCAN route add 198.19.16.0/20 via 198.19.0.2 dev pb-s0
  ip -n $NS_TGT route add local 198.19.16.0/20 dev lo
  ip -n $NS_TGT route add local 198.19.32.0/20 dev lo
  ip netns exec $NS_TGT nft -f "$STATE/beds.nft"
  start_proc listen-t $NS_TGT listen.py "$STATE/listen-t.json"

  # D: the same composition over a ~50 ms round trip (TUN pair + user-space relay)
  start_proc relay $NS_SCAN relay.py pb-tunS pb-tunT 25 5 "$SEED"
  ip -n $NS_SCAN link set pb-tunT netns $NS_TGT
  ip -n $NS_SCAN link set pb-tunS txqueuelen 20000 up
  ip -n $NS_TGT link set pb-tunT txqueuelen 20000 up
  ip -n $NS_SCAN addr add 198.19.1.1/32 dev pb-tunS
  ip -n $NS_SCAN route add 198.19.32.0/20 dev pb-tunS src 198.19.1.1
  ip -n $NS_TGT route add 198.19.1.1/32 dev pb-tunT
}

[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces)"
case "$STATE" in /*/?*) ;; *) die "BENCH_STATE must be an absolute path at least two levels deep: $STATE" ;; esac
case "${1:-}" in
  up) up ;;
  _build) build ;;
  down) down; log "down" ;;
  status) status ;;
  *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
