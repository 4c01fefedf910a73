# Shared by scripts/setup_assets.sh and scripts/setup_llm.sh (sourced, not run). The caller
# sets SETUP_NAME (log prefix), ASSETS, STAMPS and PYTHON first. Defines the wheel cache, the
# log and stamp helpers, then takes the .assets lock and checks the Python version (PYVER).
#
# Each step writes a stamp file holding a key of its inputs and is skipped while that key
# matches (delete a stamp to redo its step).

# Wheel cache outside .assets, so `rm -rf .assets` rebuilds without downloading. (pip's
# own HTTP cache is left on, but the package proxy here answers uncacheable.)
WHEELS=${PRIORS_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/priors/wheels}

say() { printf '%s: [%3ds] %s\n' "$SETUP_NAME" "$((SECONDS - T0))" "$*"; }
die() { printf '%s: ERROR: %s\n' "$SETUP_NAME" "$*" >&2; exit 1; }
# key_of STRING... : short hash of strings; key_files FILE... : of file contents
key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-32; }
key_files() { cat "$@" | sha256sum | cut -c1-32; }
stamp_ok() { [[ -f $STAMPS/$1 && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp_set() { mkdir -p "$STAMPS"; printf '%s\n' "$2" >"$STAMPS/$1"; }

T0=$SECONDS
mkdir -p "$ASSETS"
# One setup at a time (e.g. two `make setup` in parallel, or both scripts at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$ASSETS/.lock"
  flock 9
fi

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "python >= 3.11 needed, $PYTHON is $PYVER"
