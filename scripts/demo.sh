#!/usr/bin/env bash
# npm run demo: write the demo live ISO to a file-backed virtual stick with persistence and boot
# it twice in QEMU (e2e/demo.ts). setup.sh and the build have run before this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec node dist/demo.js
