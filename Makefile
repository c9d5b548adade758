# Two commands for a fresh machine: `make run` and `make test`. Both install what they need.
SWIFT ?= swift
# Build: libuv, OpenSSL. Tests: dig, unbound (a real resolver), curl, promtool, openssl, dnsperf.
APT_PACKAGES = pkg-config libuv1-dev libssl-dev dnsutils unbound curl prometheus openssl dnsperf python3
TOOLS = pkg-config dig unbound curl promtool openssl dnsperf python3

.PHONY: deps build release run test clean bench-deps bench bench-quick

# apt only when a tool is missing, so repeated runs stay fast and offline.
deps:
	@missing=0; for tool in $(TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	pkg-config --exists libuv openssl 2>/dev/null || missing=1; \
	if [ $$missing = 1 ]; then \
		apt-get update && apt-get install -y $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Serve examples/Corefile on 127.0.0.1:1053 with two live peers until Ctrl-C.
run: release
	examples/run.sh

# Everything CI runs: unit and end-to-end tests, then the bench smoke.
test: build
	$(SWIFT) test
	$(MAKE) bench-quick

clean:
	rm -rf .build

# Load harness (bench/): the daemon side by side with gdnsd, NSD, Knot and a C responder.
BENCH_TOOLS = dnsperf gdnsd nsd knotd valgrind cc taskset python3
bench-deps: deps
	@missing=0; for tool in $(BENCH_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ $$missing = 1 ]; then \
		apt-get update && apt-get install -y dnsperf gdnsd nsd knot valgrind gcc util-linux python3; \
	fi

# Full run (~15 min): 3 repetitions per server and scenario, profiles, scenarios 3-5; writes bench/RESULTS.md.
bench: bench-deps release
	python3 bench/run.py --out bench/RESULTS.md
	python3 bench/profile.py --out bench/RESULTS.md
	python3 bench/scenarios.py --out bench/RESULTS.md

# CI smoke (~1 min after the build): one 5 s repetition of scenarios 1-2 against the C responder;
# fails if the daemon answers under 99 % of the queries or the harness breaks.
bench-quick: release
	python3 bench/run.py --quick --servers zoneregistry,c-responder
