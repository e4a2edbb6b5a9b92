#!/usr/bin/env bash
# npm run demo: the main job on a built-in default. Today: build the demo live ISO (a real
# Fedora-style LiveOS image, cached) and show what `stickwright inspect` reads from it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== Building the demo live ISO (cached after the first run)"
iso="$(bash e2e/fixtures/build.sh liveos)/image.iso"
echo "   $iso"
echo
echo "== stickwright inspect $iso"
node dist/cli.js inspect "$iso"
