#!/usr/bin/env bash
# A real S3 endpoint for the S3 store tests: a single-node Ceph cluster (one ceph-mon, one
# BlueStore ceph-osd on a sparse file) plus radosgw (beast) on 127.0.0.1. No systemd, no
# Docker, nothing written to /etc/ceph: all state lives in one folder.
#
#   scripts/test/rgw.sh up   [STATE_DIR]          start (idempotent); prints KEY=value lines
#   scripts/test/rgw.sh down [STATE_DIR] [--purge] stop the daemons; --purge deletes the state
#
# STATE_DIR defaults to /tmp/iris-rgw. `up` prints only env lines on stdout (progress goes to
# stderr), so `set -a; eval "$(scripts/test/rgw.sh up)"; set +a` or
# `scripts/test/rgw.sh up > .env.s3` both work. Printed: S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY,
# S3_SECRET_KEY, S3_BUCKET, S3_FORCE_PATH_STYLE, the same as AWS_* names, and
# AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION=when_required (RGW
# Pacific rejects the aws-chunked "flexible checksum" uploads AWS SDKs send by default).
#
# Needs (Debian bookworm, as root): apt-get install -y --no-install-recommends \
#   ceph-mon ceph-osd radosgw curl
#
# Environment knobs (* = only read on the first run, when ceph.conf is written):
#   RGW_PORT (7480*), CEPH_MON_PORT (3300*), S3_BUCKET (iris-test; created on any run),
#   S3_ACCESS_KEY / S3_SECRET_KEY (random*, then kept in STATE_DIR/s3.env),
#   CEPH_OSD_SIZE (sparse file, 8G*), CEPH_OSD_MEMORY_TARGET (1 GiB*),
#   RGW_UP_TIMEOUT (seconds per wait, 120), RGW_DOWN_TIMEOUT (seconds before SIGKILL, 30).
#
# Based on the shared rgw-up.sh / rgw-down.sh (see /work/shared/s3/README.md for the why of
# every setting). No ceph-mgr is started: S3 I/O does not need one.
set -euo pipefail

# prints the comment block above
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit "${1:-2}"; }

T0=$(date +%s%N)
log() { echo "[rgw +$(( ($(date +%s%N) - T0) / 1000000 ))ms] $*" >&2; }
die() { echo "[rgw] ERROR: $*" >&2; exit 1; }

# true if PID exists and is not a zombie (a daemon killed with -9 stays a zombie until PID 1
# reaps it, and a zombie still has a /proc entry)
running() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n $st && $st != Z && $st != X ]]
}

# alive NAME COMM: the daemon wrote DIR/run/NAME.pid ("pid file" in ceph.conf), that PID runs,
# and its command name matches (guards against a recycled PID).
alive() {
  local f=$DIR/run/$1.pid pid
  [[ -s $f ]] || return 1
  pid=$(cat "$f")
  running "$pid" || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2"* ]]
}

# =============================================================================== down
cmd_down() {
  DIR=/tmp/iris-rgw
  local purge=0 a
  for a in "$@"; do
    case $a in
      --purge) purge=1 ;;
      -h | --help) usage 0 ;;
      -*) die "unknown option $a" ;;
      *) DIR=$a ;;
    esac
  done
  local timeout=${RGW_DOWN_TIMEOUT:-30}

  # stop NAME COMM: SIGTERM the PID from the daemon's own pid file, SIGKILL after $timeout s.
  stop() {
    local f=$DIR/run/$1.pid pid t0
    [[ -s $f ]] || return 0
    pid=$(cat "$f")
    if ! running "$pid" || [[ $(cat "/proc/$pid/comm" 2>/dev/null) != "$2"* ]]; then
      rm -f "$f"
      return 0
    fi
    log "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    t0=$SECONDS
    while running "$pid"; do
      if (( SECONDS - t0 >= timeout )); then
        log "$1 still alive after ${timeout}s, SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
        break
      fi
      sleep 0.2
    done
    rm -f "$f"
  }

  if [[ -d $DIR/run ]]; then
    # clients first, the mon last (the others talk to it while shutting down)
    stop client.rgw.a radosgw
    stop mgr.x ceph-mgr # never started by this script, but harmless if someone did
    stop osd.0 ceph-osd
    stop mon.a ceph-mon
  else
    log "no state in $DIR, nothing to stop"
  fi

  if [[ $purge == 1 && -d $DIR ]]; then
    # refuse to rm -rf a folder that is not ours (e.g. a typo'd argument)
    [[ -e $DIR/ceph.conf || -z $(ls -A "$DIR" | grep -vxE 'run|log|mon|osd|mgr|rgw|crash') ]] ||
      die "refusing to purge $DIR: it does not look like an rgw.sh state dir"
    log "purging $DIR"
    rm -rf "$DIR"
  fi
}

# =============================================================================== up
cmd_up() {
  DIR=/tmp/iris-rgw
  case ${1:-} in
    -h | --help) usage 0 ;;
    -*) die "unknown option $1" ;;
    ?*) DIR=$1 ;;
  esac
  local rgw_port=${RGW_PORT:-7480}
  local mon_port=${CEPH_MON_PORT:-3300}
  local bucket=${S3_BUCKET:-iris-test}
  local osd_size=${CEPH_OSD_SIZE:-8G}
  local osd_mem=${CEPH_OSD_MEMORY_TARGET:-1073741824}
  TIMEOUT=${RGW_UP_TIMEOUT:-120}
  local s3_uid=iris-test

  local bin
  for bin in ceph ceph-mon ceph-osd monmaptool ceph-authtool radosgw radosgw-admin curl numfmt; do
    command -v "$bin" >/dev/null 2>&1 ||
      die "$bin not found: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw curl"
  done

  # a first run checks its ports before it writes anything
  if [[ ! -s $DIR/ceph.conf ]]; then
    local port
    for port in "$mon_port" "$rgw_port"; do
      port_busy "$port" && die "port 127.0.0.1:$port is taken by another process (set CEPH_MON_PORT / RGW_PORT)"
    done
  fi
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  CONF=$DIR/ceph.conf

  # --------------------------------------------------------------------------- ceph.conf
  # Written once; ports and sizes are fixed from then on.
  if [[ ! -s $CONF ]]; then
    local fsid
    fsid=$(cat /proc/sys/kernel/random/uuid)
    log "creating cluster fsid=$fsid in $DIR"
    cat >"$CONF.tmp" <<EOF
# generated by scripts/test/rgw.sh -- single-node test cluster, no replication, no auth
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public network = 127.0.0.0/8
ms bind ipv6 = false
# loopback-only test cluster: no keyrings to hand around
auth cluster required = none
auth service required = none
auth client required = none
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
log to stderr = false
mon cluster log file = $DIR/log/cluster.log
crash dir = $DIR/crash
# one OSD: one copy; RGW creates ~6 pools, so 8 PGs each (not 32) and a higher PG limit
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
# fail fast (default 300 s) when the mon is unreachable
client mount timeout = 30
# test box: silence warnings that do not apply; keep the mon up on a busy shared disk
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 5
mon data avail crit = 1

[mon]
mon data = $DIR/mon/\$name
# single mon: commit map changes (pool/PG creation, OSD boot) every 0.1 s, not 1 s;
# halves a fresh start
paxos propose interval = 0.1

[osd]
osd data = $DIR/osd/\$id
osd objectstore = bluestore
# NOT "osd data/block": BlueStore symlinks that to itself (ELOOP)
bluestore block path = $DIR/osd/osd.\$id.block
bluestore block create = true
bluestore block size = $(numfmt --from=iec "$osd_size")
osd memory target = $osd_mem

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $DIR/rgw/\$name
rgw thread pool size = 64
# radosgw defaults to ms_mon_client_mode=secure, impossible with auth none: without this it
# fails with -13 and hangs 300 s on "failed to fetch mon config"
ms mon client mode = crc
# reclaim space of deleted/overwritten objects after 1 min, not 2 h
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
    mv "$CONF.tmp" "$CONF"
  fi
  mkdir -p "$DIR/run" "$DIR/log" "$DIR/mon" "$DIR/osd" "$DIR/rgw"
  local fsid
  fsid=$(awk -F' = ' '$1=="fsid"{print $2}' "$CONF")
  # later runs take the ports from ceph.conf, whatever the environment says now
  mon_port=$(sed -n 's/^mon host = \[v2:127\.0\.0\.1:\([0-9]*\)\]$/\1/p' "$CONF")
  rgw_port=$(sed -n 's/^rgw frontends = beast endpoint=127\.0\.0\.1:\([0-9]*\)$/\1/p' "$CONF")
  [[ -n $fsid && -n $mon_port && -n $rgw_port ]] || die "cannot read fsid/ports from $CONF"

  # --------------------------------------------------------------------------- mon
  # "done" marks a finished mkfs; a run that died half-way starts the mkfs over.
  if [[ ! -e $DIR/mon/mon.a/done ]]; then
    log "mkfs mon.a"
    rm -rf "$DIR/mon/mon.a"
    ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    ceph-authtool "$DIR/keyring" --gen-key -n client.admin \
      --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
    monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$DIR/monmap" >/dev/null
    ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
    touch "$DIR/mon/mon.a/done"
  fi
  if ! alive mon.a ceph-mon; then
    port_busy "$mon_port" && die "port 127.0.0.1:$mon_port is taken by another process"
    log "starting ceph-mon on 127.0.0.1:$mon_port"
    # the daemons fork into the background themselves once they are initialised
    ceph-mon -c "$CONF" -i a 2>>"$DIR/log/mon.a.stderr" ||
      die "ceph-mon failed to start, see $DIR/log/mon.a.log"
  fi
  wait_for "ceph-mon" cephc mon stat

  # --------------------------------------------------------------------------- osd
  if [[ ! -e $DIR/osd/0/ready ]]; then
    log "mkfs osd.0 (bluestore on a sparse $osd_size file)"
    rm -rf "$DIR/osd/0"
    mkdir -p "$DIR/osd/0"
    local osd_uuid id
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    # a first run that died half-way may have registered osd.0 already: unregister it with
    # mon-only commands (`osd purge` would wait for a mgr, and there is none)
    if cephc osd ls 2>/dev/null | grep -qx 0; then
      cephc osd down 0 >/dev/null 2>&1 || true
      cephc osd crush remove osd.0 >/dev/null 2>&1 || true
      cephc osd rm 0 >/dev/null 2>&1 || true
    fi
    id=$(cephc osd new "$osd_uuid" 0)
    [[ $id == 0 ]] || die "expected osd id 0, got '$id'"
    rm -f "$DIR/osd/osd.0.block"
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>>"$DIR/log/osd-mkfs.log" ||
      die "ceph-osd --mkfs failed, see $DIR/log/osd-mkfs.log"
    touch "$DIR/osd/0/ready"
  fi
  if ! alive osd.0 ceph-osd; then
    log "starting ceph-osd"
    ceph-osd -c "$CONF" -i 0 2>>"$DIR/log/osd.0.stderr" ||
      die "ceph-osd failed to start, see $DIR/log/osd.0.log"
  fi
  wait_for "osd.0 up" osd_up

  # --------------------------------------------------------------------------- radosgw
  mkdir -p "$DIR/rgw/client.rgw.a"
  if ! alive client.rgw.a radosgw; then
    port_busy "$rgw_port" && die "port 127.0.0.1:$rgw_port is taken by another process"
    log "starting radosgw on 127.0.0.1:$rgw_port"
    radosgw -c "$CONF" -n client.rgw.a 2>>"$DIR/log/client.rgw.a.stderr" ||
      die "radosgw failed to start, see $DIR/log/client.rgw.a.log"
  fi
  ENDPOINT=http://127.0.0.1:$rgw_port
  wait_for "radosgw on $ENDPOINT" rgw_ok

  # --------------------------------------------------------------------------- user + bucket
  if [[ ! -s $DIR/s3.env ]]; then
    local rnd ak sk
    rnd=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
    ak=${S3_ACCESS_KEY:-$(printf '%s' "${rnd:0:20}" | tr 'a-z' 'A-Z')}
    sk=${S3_SECRET_KEY:-${rnd:20:40}}
    if ! radosgw-admin -c "$CONF" user info --uid="$s3_uid" >/dev/null 2>&1; then
      log "creating S3 user $s3_uid"
      radosgw-admin -c "$CONF" user create --uid="$s3_uid" --display-name="iris tests" \
        --access-key="$ak" --secret-key="$sk" >/dev/null
    else # the user exists but s3.env was lost: give it this key pair too
      radosgw-admin -c "$CONF" key create --uid="$s3_uid" --key-type=s3 \
        --access-key="$ak" --secret-key="$sk" >/dev/null
    fi
    printf 'AK=%s\nSK=%s\n' "$ak" "$sk" >"$DIR/s3.env.tmp"
    mv "$DIR/s3.env.tmp" "$DIR/s3.env"
  fi
  AK=$(sed -n 's/^AK=//p' "$DIR/s3.env")
  SK=$(sed -n 's/^SK=//p' "$DIR/s3.env")

  local code
  code=$(s3curl -o /dev/null -w '%{http_code}' -I "$ENDPOINT/$bucket")
  if [[ $code != 200 ]]; then
    log "creating bucket $bucket"
    code=$(s3curl -o "$DIR/log/mkbucket.out" -w '%{http_code}' -X PUT "$ENDPOINT/$bucket")
    [[ $code == 200 ]] || die "bucket create failed: HTTP $code $(cat "$DIR/log/mkbucket.out")"
  fi

  log "ready: $ENDPOINT (state: $DIR)"
  cat <<EOF
S3_ENDPOINT=$ENDPOINT
S3_REGION=us-east-1
S3_ACCESS_KEY=$AK
S3_SECRET_KEY=$SK
S3_BUCKET=$bucket
S3_FORCE_PATH_STYLE=true
AWS_ACCESS_KEY_ID=$AK
AWS_SECRET_ACCESS_KEY=$SK
AWS_REGION=us-east-1
AWS_ENDPOINT_URL_S3=$ENDPOINT
AWS_REQUEST_CHECKSUM_CALCULATION=when_required
AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
EOF
}

# ------------------------------------------------------------------------------- helpers for up
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cephc() { timeout 60 ceph -c "$CONF" --connect-timeout 15 "$@"; }

osd_up() { cephc osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

rgw_ok() { curl -fsS -m 5 "$ENDPOINT/" | grep -q ListAllMyBucketsResult; }

# wait_for DESCRIPTION COMMAND...: retry every 0.5 s for up to $TIMEOUT s
wait_for() {
  local what=$1 t0=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS - t0 < TIMEOUT )) || die "timed out after ${TIMEOUT}s waiting for $what (logs: $DIR/log)"
    sleep 0.5
  done
}

# curl's --aws-sigv4 (curl >= 7.75) signs the request; RGW also wants the payload hash header
# (here the SHA-256 of the empty body) or it answers SignatureDoesNotMatch.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
s3curl() {
  curl -sS -m 30 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
    -H "x-amz-content-sha256: $EMPTY_SHA256" "$@"
}

# =============================================================================== main
sub=${1:-}
shift || true
case $sub in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 ;;
esac
