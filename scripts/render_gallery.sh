#!/usr/bin/env bash
# Renders the demo's reports as a person sees them — the HTML in headless Chromium, the PDF with
# pdftoppm (both Debian packages) — into reports/gallery/: a few pages at full size, and every
# page in reports/gallery/pages/ (each HTML whole, each PDF as a sheet of its pages, put together
# by Pillow from the runner's environment). Run after `make demo`.
#   scripts/render_gallery.sh [out/demo/reports]
set -euo pipefail
reports="${1:-out/demo/reports}"
gallery="reports/gallery"
for tool in chromium pdftoppm; do
  command -v "$tool" >/dev/null || { echo "render_gallery: $tool is needed (apt-get install chromium poppler-utils)" >&2; exit 1; }
done
mkdir -p "$gallery"
shot() {  # shot NAME.html OUT.png HEIGHT
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=1280,"$3" --screenshot="$2" "file://$(realpath "$reports/$1")" >/dev/null 2>&1
}
shot detection.html "$gallery/html-detection.png" 1500
shot digits.html "$gallery/html-digits.png" 1500
shot compare.html "$gallery/html-compare.png" 1100
shot compare-detectors.html "$gallery/html-compare-detectors.png" 1100
page() {  # page NAME.pdf "first line of the page" OUT: the first page that starts with that heading
  local n
  n=$(for i in $(seq 1 "$(pdfinfo "$reports/$1" | awk '/^Pages:/ {print $2}')"); do
        [ "$(pdftotext -f "$i" -l "$i" "$reports/$1" - | head -1)" = "$2" ] && { echo "$i"; break; }
      done)
  [ -n "$n" ] || { echo "render_gallery: no page \"$2\" in $1" >&2; exit 1; }
  pdftoppm -r 60 -png -f "$n" -l "$n" -singlefile "$reports/$1" "$gallery/$3"
}
page detection.pdf "Evaluation report — VOC detector" pdf-detection-contents
page detection.pdf "Precision and recall" pdf-detection-curves
page detection.pdf "Confusion matrix" pdf-detection-confusion
page detection.pdf "Gallery: worst false positives and missed objects" pdf-detection-gallery
page digits.pdf "Confidence and calibration" pdf-digits-calibration
page digits.pdf "Explanations" pdf-digits-explanations
page compare.pdf "Per-class changes" pdf-compare-per-class
page compare-detectors.pdf "Errors side by side" pdf-compare-detectors-errors


# Every page: each HTML report whole (half scale), each PDF as a contact sheet of all its pages.
mkdir -p "$gallery/pages"
python=.venv/bin/python
[ -x "$python" ] || { echo "render_gallery: the runner's environment is needed (scripts/bootstrap.sh --runner)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for html in "$reports"/*.html; do
  name=$(basename "$html" .html)
  # The page's height, written into the DOM by a copy of the page that measures itself.
  sed 's|</body>|<script>document.body.setAttribute("data-page-height", document.documentElement.scrollHeight)</script></body>|' \
    "$html" > "$scratch/$name.html"
  height=$(chromium --headless --no-sandbox --disable-gpu --window-size=1280,900 --virtual-time-budget=3000 \
    --dump-dom "file://$scratch/$name.html" 2>/dev/null | grep -o 'data-page-height="[0-9]*"' | grep -o '[0-9]*')
  [ -n "$height" ] || { echo "render_gallery: could not measure $html" >&2; exit 1; }
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=0.5 \
    --window-size=1280,"$height" --screenshot="$gallery/pages/html-$name.png" "file://$(realpath "$html")" >/dev/null 2>&1
done
for pdf in "$reports"/*.pdf; do
  name=$(basename "$pdf" .pdf)
  pdftoppm -r 30 -png "$pdf" "$scratch/$name-page"
  "$python" - "$gallery/pages/pdf-$name.png" "$scratch/$name"-page-*.png <<'PY'
import sys
from PIL import Image
out, pages = sys.argv[1], sorted(sys.argv[2:], key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
images = [Image.open(p).convert("RGB") for p in pages]
w, h = max(i.width for i in images), max(i.height for i in images)
columns = 6
rows = (len(images) + columns - 1) // columns
sheet = Image.new("RGB", (columns * (w + 8) + 8, rows * (h + 8) + 8), (200, 200, 200))
for k, image in enumerate(images):
    sheet.paste(image, (8 + (k % columns) * (w + 8), 8 + (k // columns) * (h + 8)))
sheet.save(out, optimize=True)
PY
done
ls -la "$gallery/pages"
