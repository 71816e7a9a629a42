# Argus: the two commands of the README are `make demo` and `make test`.
SWIFT ?= swift
OUT ?= out
SAMPLE := golden/peers/review_object_detection_metrics/data/database
ARGUS := .build/release/argus
# Release programs carry the Swift runtime and Foundation inside them: they start without resolving
# the runtime's symbols and call it directly (about 5% off a whole COCO evaluation).
RELEASE_FLAGS := --static-swift-stdlib

.PHONY: demo test build golden bench clean format lint

build:
	@scripts/bootstrap.sh
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product argus

## Runs the main job on the bundled samples (100 Pascal VOC images; the digits images, with a classifier trained on the CPU).
demo: build
	@scripts/bootstrap.sh --runner
	@scripts/demo.sh $(ARGUS) $(SAMPLE) $(OUT)/demo

## Runs every test: the Swift suites, then the runner's (PyTorch on the CPU, tiny models and data).
test:
	@scripts/bootstrap.sh --runner
	$(SWIFT) build --build-tests
	@scripts/with-postgres.sh scripts/with-slurm.sh $(SWIFT) test --skip-build
	ARGUS_BINARY=.build/debug/argus .venv/bin/python -m pytest -q -p no:cacheprovider runner/tests

## Regenerates golden/ with pycocotools and scikit-learn (versions recorded in each file).
golden:
	@scripts/bootstrap.sh --python
	python3 golden/scripts/generate_golden.py
	python3 golden/scripts/generate_report_golden.py

## Speed and memory against the peer tools, side by side (not part of the tests).
bench: build
	@scripts/bootstrap.sh --python
	python3 Benchmarks/run_benchmarks.py --argus $(ARGUS)
	python3 Benchmarks/report.py --argus $(ARGUS)

## Formats every source with the repository's .swift-format; `make lint` checks it as CI does.
format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Benchmarks/Sources Package.swift Fuzz/Sources Fuzz/Package.swift

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Benchmarks/Sources Package.swift Fuzz/Sources Fuzz/Package.swift

clean:
	rm -rf .build $(OUT)
