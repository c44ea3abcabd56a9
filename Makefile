# Reprise: `make demo` and `make test` are the two commands that do everything on a fresh machine.
# Both install what is missing first (scripts/setup.sh: Debian packages and a Python venv of peers).

SWIFT      ?= swift
CONFIG     ?= debug
VENV       ?= .build/venv
export REPRISE_VENV := $(abspath $(VENV))

.PHONY: all setup build build-release test lint format docs bench soak demo fuzz clean

all: build

setup:
	@./scripts/setup.sh

build:
	$(SWIFT) build -c $(CONFIG)

# Without run-time exclusivity checks in the dependencies too (Package.swift leaves them out of Reprise's own
# release targets; flags there cannot reach swift-nio's): 6-8% less CPU per call for `reprise call -n` and
# `reprise replay --rate` (perf stat, side by side). Debug builds, which the tests run, keep every check.
build-release:
	$(SWIFT) build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked

# Peers (grpcio, k6, protoc) come from setup. Tests run one at a time: many wait on child processes or
# on real sockets, and on a 2-core machine Swift concurrency has two threads, so tests run side by side
# starved each other into timeouts (measured: about 80 s parallel with flaky failures, 140 s serial, clean).
test: setup lint
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=1 $(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift fuzz

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Benchmarks Package.swift fuzz

# The command reference (docs/cli.md and the README's table) from the binary's own --help.
docs: build
	./scripts/cli-docs.py

# Benchmarks build in release mode and compare against peers side by side in one run.
bench: setup build-release
	@./bench/run.sh

# The proxy, replayer and mock under load for SOAK_SECONDS (600) with connections churning: memory and
# descriptors sampled and judged (scripts/soak.py). Not part of make test.
soak: setup build-release
	REPRISE_BIN=$(abspath .build/release) ./scripts/soak.py

# libFuzzer targets (fuzz/, its own package) for FUZZ_SECONDS each (default 60); FUZZ_TARGETS picks some.
# Never part of build or test: its sanitized release build of every dependency takes a while. docs/fuzzing.md.
fuzz:
	@./scripts/fuzz.sh

demo: setup build
	@./scripts/demo.sh

clean:
	rm -rf .build
