#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (crates/compare/tests/browser.rs renders the
# tumor-board page and inspects it with headless Chromium); called by `make setup` from the
# repo root. Idempotent: does nothing when /usr/bin/chromium is already there.
#
#   /usr/bin/chromium        the `chromium` package (apt-get, --no-install-recommends)
#
# Needs apt-get and root, or sudo, the first time. Environment: CHROMIUM to check another
# binary instead of /usr/bin/chromium (it is then never installed, only verified).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SETUP_NAME=setup_browser
T0=$SECONDS
say() { printf '%s: [%3ds] %s\n' "$SETUP_NAME" "$((SECONDS - T0))" "$*"; }
die() { printf '%s: ERROR: %s\n' "$SETUP_NAME" "$*" >&2; exit 1; }

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# ---- 1. the chromium package ------------------------------------------------------------
if [[ -x $CHROMIUM ]]; then
  say "chromium already installed ($CHROMIUM)"
elif [[ $CHROMIUM != /usr/bin/chromium ]]; then
  die "CHROMIUM=$CHROMIUM is not an executable"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install Chromium by hand so that $CHROMIUM exists"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run as root, or install the 'chromium' package by hand"
    SUDO=(sudo)
  fi
  say "installing Debian's chromium (apt-get, --no-install-recommends; ~100 MB download)"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  [[ -x $CHROMIUM ]] || die "apt-get installed chromium but $CHROMIUM is missing"
fi

# ---- 2. it runs -------------------------------------------------------------------------
version=$("$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM --version failed"
say "chromium: $version"
say "OK"
