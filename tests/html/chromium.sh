#!/usr/bin/env bash
# Opens the HTML report of the fixture in headless Chromium (Debian's chromium) and checks
# what a person would see: the charts rendered (SVG with its lines and points in the DOM
# Chromium built, and the stacked bars of the loss where the report has them), no console
# errors, and a screenshot that is a real picture.
# usage: chromium.sh TWICE_BINARY FIXTURE_REPORT [CHARTS [SEGMENTS]]
#   CHARTS: how many charts the page has (3 by default); SEGMENTS: how many bar segments
set -euo pipefail
twice=$1
fixture=$2
charts=${3:-3}
segments=${4:-0}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium is not installed (apt-get install chromium; scripts/deps.sh does)" >&2
    exit 1
fi
work=$(mktemp -d /tmp/twice-html-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$twice" report "$fixture" --format html -o "$work/report.html"
# No network, no profile of anyone's: the flags keep Chromium from reaching out.
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --disable-quic
       --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" \
    >"$work/dom.html" 2>"$work/console.log"
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
lines=$(grep -o '<polyline' "$work/dom.html" | wc -l)
points=$(grep -o '<circle' "$work/dom.html" | wc -l)
bars=$({ grep -o '<rect class="segment"' "$work/dom.html" || true; } | wc -l)
echo "rendered DOM: $svgs svg, $lines polylines, $points points, $bars bar segments"
[ "$svgs" -eq "$charts" ] ||
    { echo "expected $charts charts in the rendered page, found $svgs" >&2; exit 1; }
[ "$bars" -eq "$segments" ] ||
    { echo "expected $segments bar segments in the rendered page, found $bars" >&2; exit 1; }
[ "$lines" -ge 6 ] && [ "$points" -ge 4 ] || { echo "the charts have no lines or points" >&2; exit 1; }
if grep -E 'CONSOLE|Uncaught|SyntaxError' "$work/console.log"; then
    echo "console errors while rendering the report" >&2
    exit 1
fi
timeout 120 "$browser" "${flags[@]}" --window-size=1400,1700 \
    --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1
size=$(stat -c %s "$work/report.png")
head -c 8 "$work/report.png" | od -An -tx1 | grep -q "89 50 4e 47" ||
    { echo "the screenshot is not a PNG" >&2; exit 1; }
[ "$size" -gt 20000 ] || { echo "the screenshot is nearly empty ($size bytes)" >&2; exit 1; }
echo "screenshot: $size bytes"
echo "html in chromium: ok"
