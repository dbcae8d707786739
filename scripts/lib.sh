# Shared by scripts/test, scripts/bench and scripts/fuzz: pinned tools, installed on demand.
# Every function is idempotent: a second call does nothing but check.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
NIGHTLY=nightly-2026-05-20
VENV=$CACHE/venv
CORPORA=$CACHE/corpora
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n==> %s\n' "$*"; }

# The stable toolchain's wasm target and lints, and the pinned nightly for threaded wasm.
ensure_rust() {
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
  if ! rustup run "$NIGHTLY" rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 \
     || ! rustup component list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -q '^rust-src'; then
    rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src --target wasm32-unknown-unknown
  fi
}

# A venv with the pinned reference tools (rez, packaging, ...); reinstalled when the pins change.
ensure_venv() {
  local pins=$ROOT/scripts/conformance/requirements.txt stamp=$VENV/.pins
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  if ! cmp -s "$pins" "$stamp"; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$pins"
    cp "$pins" "$stamp"
  fi
}

# Path of the installed rez package.
rez_dir() { "$VENV/bin/python" -c 'import os, rez; print(os.path.dirname(rez.__file__))'; }

# rez's benchmark repository (18,226 package.py files), from the pinned rez wheel.
ensure_rez_corpus() {
  local dest=$CORPORA/rez-benchmark
  if [ ! -f "$dest/.done" ]; then
    rm -rf "$dest" && mkdir -p "$dest"
    tar xzf "$(rez_dir)/data/benchmarking/packages.tar.gz" -C "$dest"
    touch "$dest/.done"
  fi
  REZ_BENCH=$dest/packages
  REZ_TESTS=$(rez_dir)/data/tests
}

# Runs "$@" only when the output file is missing or anything it is made from changed: the
# script, the files and folders among the arguments (and in PKGLENS_WHEELS_DIR), and the
# packages of the test venv (their dist-info names carry their versions).
generate() {
  local out=$1 script=$2; shift 2
  local stamp wheel_dirs=${PKGLENS_WHEELS_DIR:-}
  # The script's folder's helpers (`_*.py`, imported by its generators) count as its inputs.
  local helpers=("$(dirname "$script")"/_*.py)
  # shellcheck disable=SC2086 # the folders of PKGLENS_WHEELS_DIR, split at `:`
  stamp=$(inputs_stamp "$script" "${helpers[@]}" "$@" ${wheel_dirs//:/ })
  if [ ! -s "$out" ] || [ "$stamp" != "$(cat "$out.stamp" 2>/dev/null)" ]; then
    mkdir -p "$(dirname "$out")"
    # The reference tools' own warnings go to a log beside the output, not to the terminal.
    "$@" > "$out.tmp" 2> "$out.log" && mv "$out.tmp" "$out" && echo "$stamp" > "$out.stamp"
  fi
}

# A digest of the given paths that exist: each file's name and size, and its content when it is
# under 1 MB (large files, the wheels, are known by name and size), plus the venv's packages.
inputs_stamp() {
  local path
  {
    for path in "$@"; do
      [ -e "$path" ] || continue
      echo "== $path"
      find "$path" -type f -printf '%P %s\n' | LC_ALL=C sort
      find "$path" -type f -size -1M -print0 | LC_ALL=C sort -z | xargs -0r cat
    done
    ls "$VENV"/lib/python*/site-packages 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

# A real environment built from scripts/conformance/site_env.txt, then broken on purpose: idna
# forced to 2.4 without its dependents' consent, and blinker removed. Rebuilt when the list changes.
ensure_site_env() {
  local env=$CACHE/envs/site list=$ROOT/scripts/conformance/site_env.txt
  if ! cmp -s "$list" "$env/.list"; then
    rm -rf "$env"
    "$VENV/bin/python" -m venv "$env"
    "$env/bin/pip" install --quiet --disable-pip-version-check -r "$list"
    "$env/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall idna==2.4
    "$env/bin/pip" uninstall --quiet --yes blinker
    cp "$list" "$env/.list"
  fi
  SITE_ENV=$env
  SITE_PACKAGES=$("$env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
}

# Real wheels and sdists (scripts/conformance/{wheels,sdists}.txt), downloaded once. pip
# prepares an sdist's metadata to download it, with its build backend in an isolated env.
ensure_wheels() {
  local dest=$CORPORA/wheels wheels=$ROOT/scripts/conformance/wheels.txt
  local sdists=$ROOT/scripts/conformance/sdists.txt
  if ! cmp -s "$wheels" "$dest/.wheels" || ! cmp -s "$sdists" "$dest/.sdists"; then
    mkdir -p "$dest/wheels" "$dest/sdists"
    # The same files whatever Python runs pip: CPython 3.11 on manylinux x86_64, or pure Python.
    # pip reuses a file already in the folder, so a changed list downloads only what is new.
    local platforms=() p
    for p in manylinux_2_34 manylinux_2_28 manylinux_2_27 manylinux_2_24 manylinux_2_17 \
             manylinux2014 manylinux2010 manylinux1; do
      platforms+=(--platform "${p}_x86_64")
    done
    "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --implementation cp --abi cp311 "${platforms[@]}" \
      -d "$dest/wheels" -r "$wheels"
    "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary=:all: \
      -d "$dest/sdists" -r "$sdists"
    # Files no longer pinned go.
    "$VENV/bin/python" - "$wheels" "$dest/wheels" <<'PY'
import os, sys
from packaging.utils import canonicalize_name, parse_wheel_filename
pins = set()
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, version = line.split("==")
        pins.add((canonicalize_name(name), version))
for f in os.listdir(sys.argv[2]):
    name, version, _, _ = parse_wheel_filename(f)
    if (name, str(version)) not in pins:
        os.remove(os.path.join(sys.argv[2], f))
PY
    cp "$wheels" "$dest/.wheels"
    cp "$sdists" "$dest/.sdists"
  fi
  WHEELS=$dest/wheels
  SDISTS=$dest/sdists
}

# wasm-bindgen-cli at the version web/Cargo.toml pins (they must be equal), built once into the
# cache (5 to 8 minutes on 2 cores); it brings wasm-bindgen-test-runner too.
WASM_BINDGEN_VERSION=0.2.130
ensure_wasm_bindgen() {
  local root=$CACHE/tools/wasm-bindgen-$WASM_BINDGEN_VERSION
  if [ ! -x "$root/bin/wasm-bindgen" ]; then
    echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $root (once; it compiles for 5 to 8 minutes)" >&2
    # Without --locked: its lockfile asks for a crate version the registry no longer has.
    cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$root"
  fi
  export PATH=$root/bin:$PATH
}

# The JS tooling of web/ (binaryen's wasm-opt, typescript, playwright-core, vite), from its lockfile.
ensure_web_node_modules() {
  if [ ! -f "$ROOT/web/node_modules/.package-lock.json" ] \
     || [ "$ROOT/web/package-lock.json" -nt "$ROOT/web/node_modules/.package-lock.json" ]; then
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Debian's Chromium, for the browser tests (Playwright cannot download its own browser here).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}
