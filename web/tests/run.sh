#!/usr/bin/env bash
# Tests of the npm package, installed from its tarball into a fresh temporary project.
#   web/tests/run.sh node      node:test: parse, set, versions, errors, lazy wheels, hostile files;
#                              wheels and index trees over HTTP (index-server.mjs), against the CLI if built
#   web/tests/run.sh types     tsc over typed usage, with Node and with bundler resolution
#   web/tests/run.sh cross     the Node package against the native CLI, byte for byte
#   web/tests/run.sh resolve   rez resolves in the Node package: examples, and the CLI's JSON byte for byte
#   web/tests/run.sh browser   Chromium: threaded build in a module Worker, against the CLI; speed
#   web/tests/run.sh size      the .wasm size budget
# Needs scripts/build-web to have run; `cross` needs target/release/pkglens.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"
what=$1
# The cross-target corpora, relative to the repository root.
CROSS_DIRS=(examples core/test-data/requirements_txt core/test-data/locks .cache/corpora/wheels/wheels .cache/corpora/wheels/sdists
  .cache/corpora/rez-benchmark/packages tests/data/debian-dist-packages/usr/lib/python3/dist-packages)
TARBALL=$ROOT/target/npm/pkglens-$(node -p "require('./web/npm/package.json').version").tgz
[ -f "$TARBALL" ] || { echo "no $TARBALL: run scripts/build-web first"; exit 1; }

# A fresh project with the tarball installed, and the test files beside it.
fresh_project() {
  local dir=$CACHE/web-tests/$1
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{ "name": "pkglens-test-%s", "private": true, "type": "module" }\n' "$1" > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null)
  cp web/tests/corpus.mjs "$dir/"
  echo "$dir"
}

case $what in
  node)
    dir=$(fresh_project node)
    cp web/tests/node/api.test.mjs web/tests/node/hostile.test.mjs web/tests/node/remote.test.mjs web/tests/index-server.mjs "$dir/"
    ensure_wheels >/dev/null 2>&1 || true
    # The index tests compare with the native CLI when it is built.
    bin=""
    for b in target/release/pkglens target/debug/pkglens; do [ -x "$b" ] && { bin=$ROOT/$b; break; }; done
    (cd "$dir" && PKGLENS_BASE=$ROOT PKGLENS_WHEELS=${WHEELS:-} PKGLENS_BIN=$bin node --test --test-reporter=spec api.test.mjs hostile.test.mjs remote.test.mjs)
    ;;
  types)
    dir=$(fresh_project types)
    cp web/tests/types/* "$dir/"
    tsc=$ROOT/web/node_modules/.bin/tsc
    (cd "$dir" && "$tsc" -p tsconfig.node.json && "$tsc" -p tsconfig.browser.json)
    echo "types: node and browser usage type-check"
    ;;
  cross)
    dir=$(fresh_project cross)
    cp web/tests/node/cross_target.test.mjs "$dir/"
    cargo build --release --locked -q -p pkglens
    out=$CACHE/web-tests/native && mkdir -p "$out"
    cases="["
    # One corpus and one expected answer: the examples, the rez benchmark repository, the
    # wheels of the test venv, the requirements, pyproject and lock fixtures, a Debian
    # dist-packages (egg-info requires.txt merged into PKG-INFO).
    for d in "${CROSS_DIRS[@]}"; do
      key=$(echo "$d" | tr '/.' '__')
      target/release/pkglens scan --format json "$d" > "$out/$key.scan.json" || true
      target/release/pkglens check --format json --target-python 3.12 --platform linux --machine x86_64 \
        "$d" > "$out/$key.check.json" || true
      cases="$cases{\"dir\":\"$d\",\"scan\":\"$out/$key.scan.json\",\"check\":\"$out/$key.check.json\",\"options\":{\"python\":\"3.12\",\"platform\":\"linux\",\"machine\":\"x86_64\"}},"
    done
    echo "${cases%,}]" > "$out/cases.json"
    (cd "$dir" && PKGLENS_CROSS=$out/cases.json PKGLENS_BASE=$ROOT node --test --test-reporter=spec cross_target.test.mjs)
    ;;
  resolve)
    dir=$(fresh_project resolve)
    cp web/tests/node/resolve.test.mjs "$dir/"
    ensure_venv
    ensure_rez_corpus
    bin=${PKGLENS_BIN:-$ROOT/target/release/pkglens}
    [ -n "${PKGLENS_BIN:-}" ] || cargo build --release --locked -q -p pkglens
    (cd "$dir" && PKGLENS_BASE=$ROOT PKGLENS_BIN=$bin PKGLENS_REZ_SOLVER=$REZ_TESTS/solver/packages \
      PKGLENS_REZ_BENCH=$REZ_BENCH PKGLENS_REZ_REQUESTS=$(rez_dir)/data/benchmarking/requests.json \
      node --test --test-reporter=spec resolve.test.mjs)
    ;;
  browser)
    ensure_chromium
    dir=$(fresh_project browser)
    cp -r web/tests/browser/. "$dir/"
    cases=$CACHE/web-tests/native/cases.json
    [ -f "$cases" ] || { echo "no $cases: run web/tests/run.sh cross first"; exit 1; }
    (cd "$dir" && PKGLENS_BASE=$ROOT PKGLENS_CROSS=$cases PKGLENS_VITE=$ROOT/web/node_modules/vite/bin/vite.js \
      node ${PKGLENS_PROFILE:+--experimental-websocket} --test --test-reporter=spec --test-concurrency=1 browser.test.mjs)
    ;;
  size)
    node web/tests/size.mjs web/pkg web/size-budget.json
    ;;
  *) echo "unknown: $what"; exit 2 ;;
esac
