#!/usr/bin/env bash
# Installs the system tools the test suite drives, when they are missing: Debian's chromium (UI test) and,
# through scripts/install_libreoffice.sh, LibreOffice Calc + poppler (rendering test). Idempotent.
set -uo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing ${need_apt[*]}: run as root or install Debian's ${need_apt[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${need_apt[@]}" >/dev/null || exit 1
fi
if [ -f scripts/install_libreoffice.sh ]; then
  bash scripts/install_libreoffice.sh || exit 1
fi
