#!/bin/sh
# Render a .docx the way a reader without Word sees it: LibreOffice → PDF → one PNG per page.
#   tools/render_docx.sh demo-out/report-2024.docx [OUTDIR] [DPI]
# Needs `soffice` (apt-get install --no-install-recommends libreoffice-writer-nogui) and
# `pdftoppm` (poppler-utils). Look at the pages: tables, the chart, the Chinese text.
# The body text is only as good as the machine's CJK fonts: the .docx names 仿宋_GB2312, 黑体,
# 楷体_GB2312 and 方正小标宋简体, which Linux machines lack, with their fallbacks (仿宋, FangSong,
# Noto Serif CJK SC …). LibreOffice does not read those fallbacks from the .docx; it asks
# fontconfig, so this script renders with tools/fontconfig/gongkai-cjk.conf, which maps the same
# chains onto fonts-noto-cjk (install it, or copy the Windows fonts).
set -eu
docx=${1:?usage: tools/render_docx.sh FILE.docx [OUTDIR] [DPI]}
out=${2:-$(dirname "$docx")/render}
dpi=${3:-60}
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "render_docx: $tool not found on PATH" >&2; exit 2; }
done
mkdir -p "$out"
# A private profile: a running LibreOffice (or a parallel run) must not lock this conversion.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
fonts="$(cd "$(dirname "$0")" && pwd)/fontconfig/gongkai-cjk.conf"
FONTCONFIG_FILE="$fonts" soffice -env:UserInstallation="file://$profile" --headless \
    --convert-to pdf --outdir "$out" "$docx" >/dev/null
pdf="$out/$(basename "${docx%.*}").pdf"
[ -s "$pdf" ] || { echo "render_docx: LibreOffice wrote no PDF for $docx" >&2; exit 1; }
pdftoppm -r "$dpi" -png "$pdf" "$out/page"
pages=$(ls "$out"/page-*.png | wc -l)
echo "$pdf: $pages page(s) → $out/page-*.png"
