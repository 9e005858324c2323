# The two commands of the README. Both install what is missing (Debian packages),
# configure, build, then run.
#   make demo   import the default territory (loire) and print the import report
#               and a travel-time summary; outputs in out/
#   make test   build and run the whole test suite (CTest + Catch2)
BUILD ?= build
JOBS ?= $(shell nproc)
DATA_ROOT ?= $(if $(RECOMPOSE_DATA_ROOT),$(RECOMPOSE_DATA_ROOT),../shared/datasets/raw)

.PHONY: deps configure build build-tool demo test clean

deps:
	@bash .ci/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECOMPOSE_WERROR=ON

build: configure
	cmake --build $(BUILD) -j $(JOBS)

build-tool: configure
	cmake --build $(BUILD) -j $(JOBS) --target recompose

demo: build-tool
	RECOMPOSE_DATA_ROOT=$(DATA_ROOT) bash datasets/demo.sh $(BUILD)/planner/recompose out

test: build
	cd $(BUILD) && RECOMPOSE_DATA_ROOT=$(abspath $(DATA_ROOT)) ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) out
