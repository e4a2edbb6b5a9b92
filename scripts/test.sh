#!/usr/bin/env bash
# The whole test suite (what `npm test` and CI run). scripts/setup.sh has already run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CI=${CI:-1} # vitest: .only is an error, not a silent narrowing

t0=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" $((SECONDS - t0)); }

step build
node scripts/build.mjs
step typecheck
npx tsc -b
step lint
npx eslint --max-warnings 0 .
step 'unit tests'
npx vitest run --project unit
step 'fixtures (cached by recipe hash)'
bash e2e/fixtures/build-all.sh
step 'end-to-end tests'
npx vitest run --project e2e
step "all passed in $((SECONDS - t0)) s"
