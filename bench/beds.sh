#!/usr/bin/env bash
# Perisai benchmark beds A-F, each in network namespaces of its own (root required).
#
#   bench/beds.sh up       build all beds (idempotent: a healthy set of beds is left as it is)
#   bench/beds.sh down     remove them (kills only the processes `up` started, by pid file; safe twice)
#   bench/beds.sh status   print the state; exit 0 when every bed is healthy
#
# Namespaces: pb-lo (bed A), pb-scan (scanner side of B-F), pb-tgt (targets of B, C, D), pb-esmb1, pb-esmb2,
# pb-eimp, pb-edp (the four SMB personas of bed E), pb-fbr (bed F's bridge) and pb-f00..pb-f63 (bed F's hosts).
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
#   E  the project lab's four SMB personas, one namespace each, reached from pb-scan over a veth /30 each
#      (pb-seN 198.19.2.{1,5,9,13} <-> eth0 .{2,6,10,14}); each answers on every address of a /26 (AnyIP):
#        pb-esmb1 198.19.64.64/26  Samba, SMBv1 on (lab host smb1), 139 + 445
#        pb-esmb2 198.19.65.64/26  Samba, SMB2+ only, signing required (lab host smb2only), 445
#        pb-eimp  198.19.66.64/26  lab/lib/smbimp.py, impacket as unpatched Windows 7 (lab host impacket), 445
#        pb-edp   198.19.67.64/26  lab/lib/dpserver.py, DoublePulsar-infected Windows 7 (lab host doublepulsar), 139 + 445
#      256 SMB targets; Samba's state under $BENCH_STATE/e-*; Samba is never started system-wide.
#   F  64 hosts behind a bridge: pb-scan's pb-sf 198.19.96.1/24 and 64 namespaces pb-f00..pb-f63 (198.19.96.64-127,
#      eth0 each) are ports of the bridge pb-fbr0 in namespace pb-fbr; ports 1-3000 of every host answer (RST, or
#      one of 4-12+ seeded listeners: greeting, HTTP, accept+close, accept+silence), all served by one process
#      (beds/listen_ns.py) that creates its sockets inside each host's namespace
#   G  the SMB bed at scale from personas that do not fork per connection: lab/lib/dpserver.py (asyncio) as four
#      Windows hosts, one namespace each, 64 AnyIP addresses each, reached like bed E (pb-sgN 198.19.2.{17,21,25,29}):
#        pb-gdp  198.19.68.64/26  Windows 7 SP1 infected with DoublePulsar, 139 + 445
#        pb-gw7  198.19.69.64/26  Windows 7 SP1 unpatched (MS17-010), clean, 445
#        pb-gw7p 198.19.70.64/26  Windows 7 SP1 patched, 445
#        pb-gw8  198.19.71.64/26  Windows Server 2008 R2 SP1 patched, 139 + 445
# Ground truth: $BENCH_STATE/truth.json.
set -euo pipefail

STATE=${BENCH_STATE:-/run/perisai-bench}
SEED=${BENCH_SEED:-20170512}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_LIB=$(cd "$HERE/../lab/lib" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
NS_LO=pb-lo NS_SCAN=pb-scan NS_TGT=pb-tgt
# bed E: persona (lab name), namespace, scanner-side veth, TTL; addresses come from truth.json
E_PERSONAS="smb1:pb-esmb1:pb-se1:64 smb2only:pb-esmb2:pb-se2:64 impacket:pb-eimp:pb-se3:128 doublepulsar:pb-edp:pb-se4:128"
E_NS="pb-esmb1 pb-esmb2 pb-eimp pb-edp"
# bed G: persona, namespace, scanner-side veth (all dpserver, TTL 128)
G_PERSONAS="win7-dp:pb-gdp:pb-sg1 win7-unpatched:pb-gw7:pb-sg2 win7-patched:pb-gw7p:pb-sg3 win2008-patched:pb-gw8:pb-sg4"
G_NS="pb-gdp pb-gw7 pb-gw7p pb-gw8"
G_PROCS="g-win7-dp g-win7-unpatched g-win7-patched g-win2008-patched"
F_BR=pb-fbr F_N=64
F_NS="$F_BR $(for i in $(seq 0 $((F_N - 1))); do printf 'pb-f%02d ' "$i"; done)"
ALL_NS="$NS_LO $NS_SCAN $NS_TGT $E_NS $F_NS $G_NS"
# name -> namespace the process runs in, script it runs
PROCS="listen-a listen-t relay listen-f"
E_PROCS="e-smb1 e-smb2only e-impacket e-doublepulsar"
# what bed E's daemons look like inside its namespaces (smbd also starts samba-dcerpcd and rpcd_* helpers)
E_COMMS='^(smbd.*|cleanupd|smbd-notifyd|samba-dcerpcd|rpcd_.*)$'
E_CMDLINES='lab/lib/(smbimp|dpserver)\.py'
E_PKGS="samba python3-impacket"
E_BACKLOG=4096

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

# bed E: pid files hold "PID MARKER"; the marker (a config path) must be in the process's command line
our_e_pid() {
  local f="$STATE/$1.pid" pid marker
  [ -s "$f" ] || return 1
  read -r pid marker <"$f" || true
  [ -n "${pid:-}" ] && [ -n "${marker:-}" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  grep -qF -- "$marker" "/proc/$pid/cmdline" || return 1
  echo "$pid"
}

ensure_e_pkgs() {  # as lab/perisai-lab: a temporary policy-rc.d keeps smbd/nmbd from starting system-wide
  local p missing=() prc=/usr/sbin/policy-rc.d made=0 rc=0
  for p in $E_PKGS; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (bed E)"
  if [ ! -e $prc ]; then printf '#!/bin/sh\nexit 101\n' >$prc && chmod 755 $prc && made=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } || rc=$?
  [ $made = 1 ] && rm -f $prc
  [ $rc = 0 ] || die "apt-get install ${missing[*]} failed"
}

start_e() {  # start_e NAME NS MARKER CMD... ; pid file "PID MARKER" (ip netns exec and unshare exec, so $! is the daemon)
  local name=$1 ns=$2 marker=$3; shift 3
  setsid ip netns exec "$ns" "$@" </dev/null >>"$STATE/$name.log" 2>&1 &
  echo "$! $marker" >"$STATE/$name.pid"
}

e_field() {  # e_field PERSONA KEY [BED] -> a field of the persona in truth.json
  "$PY" -c 'import json,sys; print(next(p for p in json.load(open(sys.argv[1]))["beds"][sys.argv[4]]["personas"] if p["name"] == sys.argv[2])[sys.argv[3]])' \
    "$STATE/truth.json" "$1" "$2" "${3:-E}"
}

build_g() {  # bed G: dpserver personas, as build_e's namespaces and links
  local spec name ns sif cidr sip pip p pid i
  for spec in $G_PERSONAS; do
    IFS=: read -r name ns sif <<<"$spec"
    cidr=$(e_field "$name" cidr G) sip=$(e_field "$name" scanIp G) pip=$(e_field "$name" peerIp G)
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.ip_forward=0 net.ipv4.ip_default_ttl=128 net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192 \
      net.ipv4.icmp_ratelimit=0
    ip -n "$ns" link set lo up
    ip -n $NS_SCAN link add "$sif" type veth peer name eth0 netns "$ns"
    ip -n $NS_SCAN addr add "$sip/30" dev "$sif"
    ip -n "$ns" addr add "$pip/30" dev eth0
    ip -n $NS_SCAN link set "$sif" up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add local "$cidr" dev lo
    ip -n $NS_SCAN route add "$cidr" via "$pip" dev "$sif"
    rm -f "$STATE/g-$name.ready"
    start_e "g-$name" "$ns" "$STATE/g-$name/dp.json" "$PY" "$LAB_LIB/dpserver.py" "$STATE/g-$name/dp.json"
  done
  local ready=0
  for i in $(seq 60); do
    if ip netns exec $NS_SCAN "$PY" "$HERE/beds/plan.py" probe "$STATE" 1 G >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.25
  done
  if [ $ready = 0 ]; then
    ip netns exec $NS_SCAN "$PY" "$HERE/beds/plan.py" probe "$STATE" 2 G >&2 || true
    die "bed G did not become ready (logs: $STATE/g-*.log)"
  fi
  for p in $G_PROCS; do
    pid=$(our_e_pid "$p") || die "$p is not running (see $STATE/$p.log)"
    "$PY" "$HERE/beds/backlog.py" "$pid" "$E_BACKLOG" >>"$STATE/$p.log" || die "could not raise the listen backlog of $p"
  done
}

build_e() {
  local spec name ns sif ttl cidr sip pip d i
  for spec in $E_PERSONAS; do
    IFS=: read -r name ns sif ttl <<<"$spec"
    cidr=$(e_field "$name" cidr) sip=$(e_field "$name" scanIp) pip=$(e_field "$name" peerIp)
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.ip_forward=0 net.ipv4.ip_default_ttl="$ttl" net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192 \
      net.ipv4.icmp_ratelimit=0
    ip -n "$ns" link set lo up
    ip -n $NS_SCAN link add "$sif" type veth peer name eth0 netns "$ns"
    ip -n $NS_SCAN addr add "$sip/30" dev "$sif"
    ip -n "$ns" addr add "$pip/30" dev eth0
    ip -n $NS_SCAN link set "$sif" up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add local "$cidr" dev lo
    ip -n $NS_SCAN route add "$cidr" via "$pip" dev "$sif"
    d="$STATE/e-$name"
    mkdir -p "$d"/{run,lock,state,cache,private,ncalrpc,bind-dns,share}
    echo "perisai-bench $name" >"$d/share/README.txt"
    case $name in
      smb1 | smb2only)  # own UTS namespace (hostname) and /etc/hosts (a bind mount inside ip netns exec's mount namespace)
        start_e "e-$name" "$ns" "$d/smb.conf" unshare --uts sh -c \
          'echo "$0" >/proc/sys/kernel/hostname && mount --bind "$1" /etc/hosts && exec smbd -F --no-process-group -s "$2"' \
          "pb-$name" "$d/hosts" "$d/smb.conf" ;;
      impacket) start_e "e-$name" "$ns" "$d/smb.conf" "$PY" "$LAB_LIB/smbimp.py" "$d/smb.conf" ;;
      doublepulsar)
        rm -f "$STATE/e-doublepulsar.ready"
        start_e "e-$name" "$ns" "$d/dp.json" "$PY" "$LAB_LIB/dpserver.py" "$d/dp.json" ;;
    esac
  done
  # ready when every persona gives its expected verdicts on the first, middle and last address of its block
  local ready=0 p pid
  for i in $(seq 60); do
    if ip netns exec $NS_SCAN "$PY" "$HERE/beds/plan.py" probe "$STATE" 1 E >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.25
  done
  if [ $ready = 0 ]; then
    ip netns exec $NS_SCAN "$PY" "$HERE/beds/plan.py" probe "$STATE" 2 E >&2 || true
    die "bed E did not become ready (logs: $STATE/e-*.log)"
  fi
  # 64 addresses share one daemon's accept queue: give it the room 64 hosts would have (see beds/backlog.py)
  for p in $E_PROCS; do
    pid=$(our_e_pid "$p") || die "$p is not running"
    "$PY" "$HERE/beds/backlog.py" "$pid" "$E_BACKLOG" >>"$STATE/$p.log" || die "could not raise the listen backlog of $p"
  done
}

kill_e() {  # bed E daemons (pid files) with their children, then Samba helpers / lab scripts left in the E namespaces
  local p pid ns pids=() c
  for p in $E_PROCS $G_PROCS; do
    if pid=$(our_e_pid "$p"); then
      pids+=("$pid")
      for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do pids+=("$c"); done
    fi
  done
  for ns in $E_NS $G_NS; do
    ns_exists "$ns" || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      if grep -qE "$E_COMMS" "/proc/$pid/comm" 2>/dev/null ||
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "$E_CMDLINES"; then pids+=("$pid")
      else log "warning: process $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) in $ns was not started by beds.sh; left running"
      fi
    done
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 40); do
    local alive=()
    for pid in "${pids[@]}"; do [ -d "/proc/$pid" ] && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.05
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

build_f() {  # bed F: a bridge in pb-fbr, the scanner and 64 host namespaces as its ports
  local i ns ip
  ip netns add $F_BR
  ip -n $F_BR link set lo up
  ip -n $F_BR link add pb-fbr0 type bridge
  ip -n $F_BR link set pb-fbr0 up
  ip -n $NS_SCAN link add pb-sf type veth peer name pb-fs0 netns $F_BR
  ip -n $NS_SCAN addr add 198.19.96.1/24 dev pb-sf
  ip -n $NS_SCAN link set pb-sf up
  ip -n $F_BR link set pb-fs0 master pb-fbr0 up
  for i in $(seq 0 $((F_N - 1))); do
    ns=$(printf 'pb-f%02d' "$i") ip="198.19.96.$((64 + i))"
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.ip_forward=0 net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192
    ip -n "$ns" link set lo up
    ip -n $F_BR link add "$(printf 'pb-fh%02d' "$i")" type veth peer name eth0 netns "$ns"
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n $F_BR link set "$(printf 'pb-fh%02d' "$i")" master pb-fbr0 up
  done
  start_proc listen-f $F_BR listen_ns.py "$STATE/listen-f.json"
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
  for p in $E_PROCS $G_PROCS; do
    if n=$(our_e_pid "$p"); then say "process $p: pid $n"; else say "process $p: NOT RUNNING"; ok=1; fi
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
    local lf
    lf=$(ip netns exec pb-f00 ss -Hltn 2>/dev/null | wc -l)
    [ "$lf" -gt 0 ] || { say "bed F: nothing listens in pb-f00"; ok=1; }
    ip -n $NS_SCAN link show pb-sf >/dev/null 2>&1 || { say "pb-sf: MISSING"; ok=1; }
    local spec name ns sif ttl port
    for spec in $E_PERSONAS; do
      IFS=: read -r name ns sif ttl <<<"$spec"
      for port in 445 $(case $name in smb1 | doublepulsar) echo 139 ;; esac); do
        local backlog
        backlog=$(ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | awk '$4 ~ /^0\.0\.0\.0:/ {print $3}')
        if [ -z "$backlog" ]; then say "bed E $name ($ns): nothing listens on $port"; ok=1
        elif [ "$backlog" != "$E_BACKLOG" ]; then say "bed E $name ($ns): listen backlog on $port is $backlog, not $E_BACKLOG"; ok=1; fi
      done
      ip -n $NS_SCAN link show "$sif" >/dev/null 2>&1 || { say "$sif: MISSING"; ok=1; }
    done
    if [ -z "$q" ] && [ $ok -eq 0 ]; then
      local dl; dl=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["beds"]["D"]["open"][0][0])' "$STATE/truth.json")
      say "bed D round trip to $dl: $(ip netns exec $NS_SCAN ping -n -q -c 5 -i 0.2 -W 1 "$dl" 2>&1 | tail -1)"
      ip netns exec $NS_TGT nft list chain inet pb_bench pre | grep -o 'counter packets [0-9]*' \
        | sed 's/^/dropped silent (C, D): /' || true
      say "beds E and G (smbprobe on 3 addresses per persona, from pb-scan):"
      ip netns exec $NS_SCAN "$PY" "$HERE/beds/plan.py" probe "$STATE" 2 || ok=1
    fi
  fi
  [ -n "$q" ] || { [ $ok -eq 0 ] && echo "beds: healthy" || echo "beds: NOT healthy"; }
  return $ok
}

down() {
  local p pid ns
  kill_e
  for p in $E_PROCS $G_PROCS; do rm -f "$STATE/$p.pid"; done
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
  ensure_e_pkgs
  SAMBA_VERSION=$(smbd --version | sed 's/^Version //') "$PY" "$HERE/beds/plan.py" "$STATE" "$SEED"

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

  # E: four SMB personas behind a /26 each
  build_e

  # F: 64 hosts on a bridge
  build_f

  # G: SMB at scale from non-forking personas
  build_g
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
