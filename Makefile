# lockwarden — the two commands: `make demo` and `make test`.
# Each target installs what is missing, configures and builds first.

SHELL := /bin/bash
ifeq ($(CI),true)
TEST_PRESET ?= ci
else
TEST_PRESET ?= debug
endif
RUN_PRESET ?= release
JOBS ?= $(shell nproc)

.PHONY: all deps web peers build build-test demo test fuzz bench format clean

all: build

deps:
	@scripts/install-deps

web: deps
	scripts/build-web

# The Z-Wave JS stack the end-to-end tests run against (npm).
peers: deps
	scripts/install-test-peers

build/%/build.ninja: CMakeLists.txt CMakePresets.json | deps
	cmake --preset $* >/dev/null

build: deps web build/$(RUN_PRESET)/build.ninja
	cmake --build build/$(RUN_PRESET) -j $(JOBS)

build-test: deps web peers build/$(TEST_PRESET)/build.ninja
	cmake --build build/$(TEST_PRESET) -j $(JOBS)

demo: build
	./build/$(RUN_PRESET)/lockwarden demo $(DEMO_ARGS)

test: build-test
	scripts/check-layers
	cd build/$(TEST_PRESET) && ctest --output-on-failure -j $(JOBS)

# Longer fuzzing than `make test` does: FUZZ_SECONDS per target (docs/fuzzing.md).
FUZZ_SECONDS ?= 600
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(JOBS) scripts/run-fuzz $(FUZZ_TARGETS)

bench: build
	scripts/run-bench build/$(RUN_PRESET)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build web/dist
