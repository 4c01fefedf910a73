# priors — two commands: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
CARGO ?= cargo
PRIORS := target/release/priors
DATA_DIR ?= data
SAMPLES := data-samples/reports.jsonl data-samples/text data-samples/fhir

.PHONY: setup assets build run test fmt-check clippy unit bench clean-data

## setup: offline assets (ONNX Runtime, exported model) and a release build; idempotent.
setup: assets build

assets:
	bash scripts/setup_assets.sh

build:
	$(CARGO) build --release --workspace --bins

SAMPLE_QUERY := Spiculated right upper lobe mass with FDG-avid ipsilateral mediastinal nodes at 4R and 7
SAMPLE_QUESTION := What T category is a 4.5 cm tumour with visceral pleural invasion?

## run: set up, ingest the sample corpus and the guideline passages into $(DATA_DIR), print
## the stores' stats, then answer a sample search and a sample staging question.
run: setup
	$(PRIORS) --data-dir $(DATA_DIR) ingest $(SAMPLES)
	$(PRIORS) --data-dir $(DATA_DIR) ingest-guidelines
	$(PRIORS) --data-dir $(DATA_DIR) stats --json
	$(PRIORS) --data-dir $(DATA_DIR) search "$(SAMPLE_QUERY)" --k 5
	$(PRIORS) ask "$(SAMPLE_QUESTION)"

## test: set up, then fmt check, clippy -D warnings, and every test.
test: setup fmt-check clippy unit

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

unit:
	$(CARGO) test --release --workspace --no-fail-fast

## bench: measure ingest vs bare embedding throughput, retrieval quality, staging accuracy and
## search latency; writes BENCHMARKS.md (BENCH_ONLY=search: the search latency section alone).
bench: setup
	bash scripts/bench.sh

clean-data:
	rm -rf $(DATA_DIR)
