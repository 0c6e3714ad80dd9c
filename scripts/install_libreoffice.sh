#!/usr/bin/env bash
# Installs what the render test (tests/integration/test_publish_render.py) needs to turn the appendix workbook into a
# PDF and look at it: Debian's libreoffice-calc (used headless: soffice --headless --convert-to pdf),
# poppler-utils (pdfinfo, pdftoppm) and the DejaVu fonts (Vietnamese diacritics).
# Does nothing when soffice and pdftoppm are already on PATH. Needs root (apt-get); otherwise it says
# what to install and exits non-zero. Called by scripts/test.sh before pytest.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have soffice && have pdftoppm && have pdfinfo && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install_libreoffice.sh: soffice/pdftoppm missing and not running as root;" >&2
  echo "  install them with: sudo apt-get install -y --no-install-recommends libreoffice-calc poppler-utils fonts-dejavu-core" >&2
  exit 1
fi
if ! have apt-get; then
  echo "install_libreoffice.sh: apt-get not found; install LibreOffice Calc and poppler-utils by hand" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils fonts-dejavu-core >/dev/null
have soffice && have pdftoppm || { echo "install_libreoffice.sh: install finished but soffice/pdftoppm still missing" >&2; exit 1; }
echo "install_libreoffice.sh: $(soffice --version 2>/dev/null | head -1)"
