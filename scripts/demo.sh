#!/usr/bin/env bash
# The demo: validate, convert, split, summarise and evaluate the bundled sample data, then report on it.
set -euo pipefail
argus="$1"; sample="$2"; out="$3"
rm -rf "$out"; mkdir -p "$out"
step() { printf '\n== %s\n' "$*"; }

step "Validate the Pascal VOC ground truth (100 images, 20 classes)"
"$argus" validate "$sample/gts/pascalvoc_format" || true

step "Convert Pascal VOC → AutoML MLTable (JSONL, normalised boxes)"
"$argus" convert "$sample/gts/pascalvoc_format" --to mltable --output "$out/voc-mltable"
head -c 300 "$out/voc-mltable/annotations.jsonl"; echo

step "Validate the MLTable"
"$argus" validate "$out/voc-mltable" || true

step "Statistics"
"$argus" stats "$out/voc-mltable"

step "Hold out 20% for validation (seeded)"
"$argus" split "$out/voc-mltable" --output "$out/split" --seed 7

step "Convert to COCO, YOLO and back"
"$argus" convert "$out/split/train-mltable" --to coco --output "$out/train_coco.json"
"$argus" convert "$out/train_coco.json" --to yolo --output "$out/train_yolo"
"$argus" convert "$out/train_yolo" --images "$sample/images" --to jsonl --output "$out/train_from_yolo.jsonl"

step "The detector's boxes: peer text layout → AutoML scoring output and COCO results"
"$argus" convert "$sample/dets/abs_xyx2y2" --from text --text-box xyxy --names "$sample/voc.names" \
  --to scoring --output "$out/predictions.jsonl"
"$argus" convert "$out/predictions.jsonl" --to coco-results --output "$out/predictions_coco.json"
"$argus" stats "$out/predictions.jsonl" | head -5

step "Evaluate the detector: VOC (AutoML default) and COCO (pycocotools-exact) metrics"
"$argus" evaluate --task image_object_detection --ground-truth "$out/voc-mltable" \
  --predictions "$out/predictions.jsonl" --metric-type coco_voc --output "$out/evaluation"
head -c 600 "$out/evaluation/metrics.json"; echo

step "Evaluate a classifier on real digit images (scikit-learn's digits, a logistic regression's probabilities)"
"$argus" validate samples/digits/validation.jsonl
"$argus" evaluate --task image_classification --ground-truth samples/digits/validation.jsonl \
  --predictions samples/digits/predictions.jsonl --output "$out/digits-evaluation" --bootstrap-records

"$argus" evaluate --task image_classification --ground-truth samples/digits/validation.jsonl \
  --predictions samples/digits/predictions_naive_bayes.jsonl --output "$out/digits-naive-bayes" --bootstrap-records

step "Train a small classifier on the 1,497 other digits images with the PyTorch runner (CPU, 4 epochs)"
"$argus" train --training-data samples/digits/train.jsonl --validation-data samples/digits/validation.jsonl \
  --parameters samples/digits/train.yml --output "$out/digits-run"

step "Batch inference with the trained model, explanations for six images, evaluation"
"$argus" infer --model "$out/digits-run/model" --data samples/digits/validation.jsonl \
  --output "$out/digits-resnet18.jsonl"
"$argus" explain --model "$out/digits-run/model" --data samples/digits/validation.jsonl \
  --output "$out/digits-resnet18-explained.jsonl" --first 6 --method integrated_gradients
"$argus" evaluate --task image_classification --ground-truth samples/digits/validation.jsonl \
  --predictions "$out/digits-resnet18-explained.jsonl" --output "$out/digits-resnet18"

step "Reports: one self-contained HTML file, a PDF and a Markdown summary per evaluation"
"$argus" report "$out/evaluation" --html "$out/reports/detection.html" --pdf "$out/reports/detection.pdf" --name "VOC detector"
"$argus" report "$out/digits-evaluation" --html "$out/reports/digits.html" --pdf "$out/reports/digits.pdf" --name "digits, logistic regression"
"$argus" report "$out/digits-resnet18" --html "$out/reports/digits-resnet18.html" \
  --pdf "$out/reports/digits-resnet18.pdf" --name "digits, resnet18 trained by argus train"
"$argus" compare "$out/digits-evaluation" "$out/digits-naive-bayes" --names "logistic regression,naive Bayes" \
  --html "$out/reports/compare.html" --pdf "$out/reports/compare.pdf"
cat "$out/reports/detection.md"

step "Two detectors compared: all the boxes, and the same detector at an operating point (boxes scoring ≥ 0.6)"
"$argus" convert "$out/predictions.jsonl" --min-score 0.6 --to scoring --output "$out/predictions_0.6.jsonl"
"$argus" evaluate --task image_object_detection --ground-truth "$out/voc-mltable" \
  --predictions "$out/predictions_0.6.jsonl" --metric-type coco_voc --output "$out/evaluation-0.6"
"$argus" compare "$out/evaluation" "$out/evaluation-0.6" --names "all boxes,boxes ≥ 0.6" \
  --html "$out/reports/compare-detectors.html" --pdf "$out/reports/compare-detectors.pdf"

step "Remember the evaluations (a SQLite registry) and print the trend"
registry="$out/argus.sqlite"
"$argus" record "$out/digits-naive-bayes" --model digits@1-naive-bayes --dataset digits --registry "$registry"
"$argus" record "$out/digits-evaluation" --model digits@2-logistic --dataset digits --registry "$registry"
"$argus" record "$out/evaluation" --model voc-detector@1 --dataset voc-sample --registry "$registry"
"$argus" history --model digits --dataset digits --registry "$registry"

step "Gate the logistic regression against the naive Bayes model (paired bootstrap, McNemar, Holm)"
"$argus" gate --policy samples/gate.yml --candidate "$out/digits-evaluation" \
  --baseline registry:digits@1-naive-bayes --registry "$registry" \
  --junit "$out/gate.xml" --markdown "$out/gate.md" --json "$out/gate.json"

step "The nightly job, twice (samples/nightly.yml): evaluate, record, report with the trend, compare, gate"
"$argus" nightly samples/nightly.yml --output "$out/nightly" --registry "$registry"
"$argus" nightly samples/nightly.yml --output "$out/nightly" --registry "$registry"
"$argus" history --model digits --dataset digits --registry "$registry"
last=$(ls -d "$out"/nightly/*/ | tail -1)
printf 'The second night'"'"'s report, with the trend: %sreport.html\n' "$last"

printf '\nDemo outputs are in %s; open %s/reports/detection.html in a browser.\n' "$out" "$out"
