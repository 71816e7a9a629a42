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
ls -la "$gallery"
