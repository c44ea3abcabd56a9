# Reprise: `make demo` and `make test` are the two commands that do everything on a fresh machine.
# Both install what is missing first (scripts/setup.sh: Debian packages and a Python venv of peers).

SWIFT      ?= swift
CONFIG     ?= debug
VENV       ?= .build/venv
export REPRISE_VENV := $(abspath $(VENV))

.PHONY: all setup build build-release test lint format bench demo clean

all: build

setup:
	@./scripts/setup.sh

build:
	$(SWIFT) build -c $(CONFIG)

build-release:
	$(SWIFT) build -c release --static-swift-stdlib

# The suite runs test targets in parallel processes; peers (grpcio, k6, protoc) come from setup.
test: setup lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Benchmarks Package.swift

# Benchmarks build in release mode and compare against peers side by side in one run.
bench: setup build-release
	@./bench/run.sh

demo: setup build
	@./scripts/demo.sh

clean:
	rm -rf .build
