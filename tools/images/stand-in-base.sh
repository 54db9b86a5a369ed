#!/bin/sh
# Usage: stand-in-base.sh node:<version>-bookworm-slim
# Makes the base image a Dockerfile names available to the local daemon: present already, pulled
# where a registry is reachable, or else built here as a stand-in with that exact tag from Debian
# bookworm (debootstrap minbase) and the same Node version, with user `node` (uid/gid 1000) as the
# official image has. The stand-in is labelled props.stand-in=true and reused by later runs.
set -eu
tag="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
case "$tag" in
  node:*-bookworm-slim) version="${tag#node:}"; version="${version%-bookworm-slim}" ;;
  *) echo "images: can only stand in for node:<version>-bookworm-slim, not $tag" >&2; exit 1 ;;
esac
if docker image inspect "$tag" >/dev/null 2>&1; then exit 0; fi
if timeout 60 docker pull -q "$tag" >/dev/null 2>&1; then
  echo "images: pulled $tag" >&2
  exit 0
fi

echo "images: $tag cannot be pulled here; building a stand-in from Debian bookworm and Node $version (a few minutes, once)" >&2
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}
if ! command -v debootstrap >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq debootstrap >/dev/null 2>&1 \
    || { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq debootstrap >/dev/null 2>&1; } \
    || { echo "images: debootstrap is needed to build the stand-in for $tag (apt-get install debootstrap)" >&2; exit 1; }
fi
node_bin="$(sh "$root/tools/node/ensure-node.sh" "$version")"
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
[ -f "$npm_dir/package.json" ] || { echo "images: cannot find npm's folder next to $(command -v npm)" >&2; exit 1; }
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
[ -n "$mirror" ] || mirror="$(sed -n 's/^deb \(http[^ ]*\) bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)"
[ -n "$mirror" ] || mirror="http://deb.debian.org/debian"

work="$(mktemp -d)"
trap 'as_root rm -rf "$work"' EXIT
rootfs="$work/rootfs"
if ! as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  echo "images: debootstrap of bookworm from $mirror failed; its last lines:" >&2
  tail -n 5 "$work/debootstrap.log" >&2
  exit 1
fi
as_root mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/etc/ssl/certs"
as_root cp "$node_bin/node" "$rootfs/usr/local/bin/node"
as_root cp -r "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
as_root ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
as_root ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# The host reaches the npm registry through its own CA bundle; the stand-in carries the same one.
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] && as_root cp "$ca" "$rootfs/etc/ssl/certs/ca-certificates.crt"
as_root chroot "$rootfs" groupadd --gid 1000 node
as_root chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
as_root rm -rf "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
as_root tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c "ENV NODE_VERSION=$version" \
  -c "ENV NODE_EXTRA_CA_CERTS=$ca" \
  -c 'LABEL props.stand-in=true' \
  -c 'CMD ["node"]' - "$tag" >/dev/null
echo "images: built stand-in $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
