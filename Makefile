# priors — two commands: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
CARGO ?= cargo
PRIORS := target/release/priors
DATA_DIR ?= data
SAMPLES := data-samples/reports.jsonl data-samples/text data-samples/fhir

.PHONY: setup assets llm browser build run test fmt-check clippy unit bench clean-data

## setup: offline assets (ONNX Runtime, exported model), the local LLM server (llama-cpp-python
## + SmolLM2-135M, started by scripts/llm_server.sh PORT), Debian's Chromium for the browser
## tests of the tumor-board page, and a release build; idempotent.
setup: assets llm browser build

assets:
	bash scripts/setup_assets.sh

llm:
	bash scripts/setup_llm.sh

browser:
	bash scripts/setup_browser.sh

build:
	$(CARGO) build --release --workspace --bins

SAMPLE_PATIENT := SYN-P000000
SAMPLE_QUERY := Spiculated right upper lobe mass with FDG-avid ipsilateral mediastinal nodes at 4R and 7
SAMPLE_QUESTION := What T category is a 4.5 cm tumour with visceral pleural invasion?

SAMPLE_FINDINGS := data-samples/findings/lung_staging.txt
SAMPLE_INDICATION := Newly diagnosed right upper lobe adenocarcinoma (non-small cell lung cancer); staging.

## run: set up, ingest the sample corpus and the guideline passages into $(DATA_DIR), print
## the stores' stats, answer a sample search and a sample staging question, then start the
## gRPC server, draft a cited impression through it (`priors draft`) and stop it.
run: setup
	$(PRIORS) --data-dir $(DATA_DIR) ingest $(SAMPLES)
	$(PRIORS) --data-dir $(DATA_DIR) ingest-guidelines
	$(PRIORS) --data-dir $(DATA_DIR) stats --json
	$(PRIORS) --data-dir $(DATA_DIR) search "$(SAMPLE_QUERY)" --k 5
	$(PRIORS) ask "$(SAMPLE_QUESTION)"
	$(PRIORS) --data-dir $(DATA_DIR) case $(SAMPLE_PATIENT) --similar 3 --html $(DATA_DIR)/case-$(SAMPLE_PATIENT).html
	bash scripts/run_demo.sh $(DATA_DIR) $(SAMPLE_FINDINGS) "$(SAMPLE_INDICATION)"

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
