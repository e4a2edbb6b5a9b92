#!/usr/bin/env bash
# Make a fresh clone ready: Debian packages (scripts/debian-packages.txt) and npm packages.
# Idempotent and quick when nothing is missing. As root it installs what is missing; otherwise it
# prints the exact command to run and stops.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- Node ---------------------------------------------------------------------------------
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)')
if [[ $node_ok != 1 ]]; then
  echo "setup: Node.js >= 20.19 is needed (found $(node --version))." >&2
  exit 1
fi

# --- Debian packages ------------------------------------------------------------------------
mapfile -t wanted < <(grep -Ev '^\s*(#|$)' scripts/debian-packages.txt)
missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing. Install them and run again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; a stale one may point at removed versions.
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/stickwright-apt.log 2>&1; then
    apt-get update >>/tmp/stickwright-apt.log 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/stickwright-apt.log 2>&1 || {
      tail -n 20 /tmp/stickwright-apt.log >&2
      echo "setup: apt-get install failed (log: /tmp/stickwright-apt.log)" >&2
      exit 1
    }
  fi
fi

# --- npm packages -----------------------------------------------------------------------------
# Install scripts stay off: Electron's would download its binary from GitHub (unreachable here,
# and not needed: nothing in the test command runs Electron), drivelist works on Linux without
# its native part, and esbuild/rolldown ship their binaries as ordinary packages.
stamp=node_modules/.stickwright-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: npm ci" >&2
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
