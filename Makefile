# pxstream — every target a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_BIN := node_modules/.bin

.PHONY: help install build typecheck test test-unit test-integration test-terraform demo bench lint format tf-validate tf-test clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## install the pinned dependencies (npm ci)

build: install ## bundle the handler into dist/pxstream.zip (+ .sha256)
	node scripts/build.mjs

typecheck: install ## strict TypeScript over handler, tests and scripts
	$(NPM_BIN)/tsc -p tsconfig.json

test: build typecheck ## the whole suite: unit, integration (moto_server + Slack sink), terraform checks
	@status=0; $(NPM_BIN)/vitest run --reporter=default --reporter=json --outputFile.json=dist/vitest-results.json || status=$$?; \
	node scripts/test-summary.mjs dist/vitest-results.json && exit $$status

test-unit: install ## unit tests of the pure modules only
	$(NPM_BIN)/vitest run test/unit

test-integration: build ## integration tests against moto_server, running dist/pxstream.zip
	$(NPM_BIN)/vitest run test/integration

test-terraform: build ## terraform validate + terraform test of the module, rendered policy, IAM enforcement, examples applied to moto_server
	$(NPM_BIN)/vitest run test/terraform

demo: build ## the whole flow on this machine: moto_server, a local Slack, two runs
	node scripts/demo.mjs

bench: build ## throughput, cold start, size, memory and poll-mode benchmarks (prints a table)
	node scripts/bench/run.mjs

# biome ci: the lint rules and the format check (`make format` fixes the latter).
lint: install ## Biome over the TypeScript and scripts (biome.jsonc); checkov, tflint, terraform-docs and fmt over terraform/
	$(NPM_BIN)/biome ci
	bash scripts/lint.sh

format: install ## format the TypeScript, scripts and JSON in place (Biome, biome.jsonc)
	$(NPM_BIN)/biome format --write

tf-validate: ## terraform init + validate of the module, its submodule and each example (provider mirror where present)
	bash scripts/tf-validate.sh

tf-test: ## terraform test: the module's .tftest.hcl files, plan-only against a mock provider (provider mirror where present)
	. scripts/lib/terraform-env.sh && cd terraform && terraform init -backend=false -input=false -no-color >/dev/null && terraform test

clean: ## remove build output
	rm -rf dist .bench
