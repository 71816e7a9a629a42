#!/usr/bin/env bash
# Renders the demo's reports as a person sees them — the HTML in headless Chromium, the PDF with
# pdftoppm (both Debian packages) — into reports/gallery/. Run after `make demo`.
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
page() {  # page NAME.pdf PAGE OUT
  pdftoppm -r 60 -png -f "$2" -l "$2" -singlefile "$reports/$1" "$gallery/$3"
}
page detection.pdf 1 pdf-detection-contents
page detection.pdf 4 pdf-detection-curves
page detection.pdf 9 pdf-detection-confusion
page detection.pdf 13 pdf-detection-gallery
page digits.pdf 9 pdf-digits-calibration
page digits.pdf 12 pdf-digits-explanations
page compare.pdf 4 pdf-compare-per-class
ls -la "$gallery"
