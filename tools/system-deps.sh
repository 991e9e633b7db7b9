#!/usr/bin/env bash
# The Debian packages the test suite drives: Chromium (browser tests, through Playwright), and
# LibreOffice + poppler-utils + a CJK font (the .docx rendered to PDF and PNG pages).
# Installs what is missing when it can (root, or passwordless sudo); otherwise says what to run.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
# Noto CJK: the fallback the report names after 仿宋/方正小标宋, and the review UI's font in the
# browser screenshots (fc-list :lang=zh lists it)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif sudo -n true 2>/dev/null; then SUDO="sudo"
else
  echo "system-deps: missing ${missing[*]}; run: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
