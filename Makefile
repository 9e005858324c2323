# The two commands of the README. Both install what is missing (Debian packages),
# configure, build, then run.
#   make demo   import the default territory (loire) and print the import report
#               and a travel-time summary; outputs in out/
#   make test   build and run the whole test suite (CTest + Catch2)
BUILD ?= build
JOBS ?= $(shell nproc)
DATA_ROOT ?= $(if $(RECOMPOSE_DATA_ROOT),$(RECOMPOSE_DATA_ROOT),../shared/datasets/raw)

.PHONY: deps configure build build-tool demo test bench asan fuzz clean

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

# The PostGIS tests run against a private PostgreSQL cluster (tests/postgres/cluster.sh:
# local socket only, its own folder), started here and stopped after the tests.
PG_DIR = /tmp/recompose-pg-$(shell echo $(abspath $(1)) | md5sum | cut -c1-10)
define with_postgres
conninfo=$$(bash tests/postgres/cluster.sh start $(call PG_DIR,$(1))) || exit 1; \
export RECOMPOSE_TEST_PG="$$conninfo" RECOMPOSE_REQUIRE_PG=1; \
($(2)); rc=$$?; bash tests/postgres/cluster.sh stop $(call PG_DIR,$(1)); exit $$rc
endef

test: build
	@$(call with_postgres,$(BUILD),cd $(BUILD) && RECOMPOSE_DATA_ROOT=$(abspath $(DATA_ROOT)) ctest --output-on-failure -j $(JOBS))

# Benchmarks (not a test: no timed assertion): real graphs and the Loire territory, then
# synthetic territories of 0.1 M, 1 M and 3 M nodes; writes tests/bench/results.md (targets,
# machine, commit, load). 3 to 4 minutes on 2 cores plus the optimiser rows (CBC's limit:
# BENCH_ARGS=--optimise-limit S); BENCH_ARGS=--quick for 0.1 M only. BENCH_ARGS=--national
# adds the national scale (10 M road nodes, 50,000 units, 3,000 facilities: hierarchy
# build, tables, baseline, edits, peak memory) and the nine real basins of
# datasets/france-regime-minier.json together: 10 to 15 more minutes, up to 8 GiB.
BENCH_ARGS ?=
bench: configure
	cmake --build $(BUILD) -j $(JOBS) --target recompose_bench
	$(BUILD)/tests/recompose_bench --data-root $(DATA_ROOT) --source-dir . --out tests/bench/results.md $(BENCH_ARGS)

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (warnings are not
# errors here: GCC 12 reports false "maybe-uninitialized" in libstdc++ under -O1 + sanitizers).
asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRECOMPOSE_WERROR=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1"
	cmake --build build-asan -j $(JOBS)
	@$(call with_postgres,build-asan,cd build-asan && LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) RECOMPOSE_DATA_ROOT=$(abspath $(DATA_ROOT)) ctest --output-on-failure -j $(JOBS))

# libFuzzer on every parser the project owns, FUZZ_SECONDS each (default 60),
# starting from tests/fuzz/corpus/<target>; findings are written to build-fuzz/.
FUZZ_SECONDS ?= 60
fuzz: deps
	CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECOMPOSE_FUZZ=ON \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
	cmake --build build-fuzz -j $(JOBS) --target fuzz_manifest fuzz_scenario fuzz_profile fuzz_graph_cache fuzz_table fuzz_contraction fuzz_finess fuzz_optimise_problem
	for t in manifest scenario profile graph_cache table contraction finess optimise_problem; do \
	  mkdir -p build-fuzz/corpus-$$t && cp -n tests/fuzz/corpus/$$t/* build-fuzz/corpus-$$t/ 2>/dev/null; \
	  (cd build-fuzz && ./tests/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 corpus-$$t) || exit 1; \
	done

clean:
	rm -rf $(BUILD) out
