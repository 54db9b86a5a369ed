#!/bin/sh
# Makes `docker info` answer on this machine. When no daemon answers: installs Debian's docker.io
# if dockerd is missing, then starts dockerd without a bridge, iptables rules or forwarding changes,
# so it leaves the machine's network settings alone (containers then run with --network host only).
# Prints one line saying what is missing when it cannot.
set -eu
if docker info >/dev/null 2>&1; then exit 0; fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}

if ! command -v dockerd >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "images: no Docker daemon answers and dockerd is not installed; install Docker (Debian: apt-get install docker.io) and start it" >&2
    exit 1
  fi
  echo "images: installing Debian's docker.io (no Docker daemon on this machine)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { as_root apt-get install -y -qq docker.io >/dev/null 2>&1 \
         || { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq docker.io >/dev/null 2>&1; }; }; then
    echo "images: could not install docker.io with apt-get (need root or passwordless sudo, and Debian's package lists); install Docker and start it" >&2
    exit 1
  fi
fi

log="${TMPDIR:-/tmp}/props-dockerd.log"
echo "images: starting dockerd (--bridge=none --iptables=false --ip-forward=false --ip-masq=false; log $log)" >&2
as_root sh -c "nohup dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false >'$log' 2>&1 &" || {
  echo "images: could not start dockerd (need root or passwordless sudo)" >&2
  exit 1
}
waited=0
until docker info >/dev/null 2>&1; do
  waited=$((waited + 1))
  if [ "$waited" -gt 60 ]; then
    echo "images: dockerd did not answer within 30 s; its last lines:" >&2
    tail -n 5 "$log" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "images: Docker daemon ready" >&2
