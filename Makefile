# Two commands for a fresh machine: `make run` and `make test`. Both install what they need.
SWIFT ?= swift
# Build: libuv, OpenSSL. Tests: dig, unbound (a real resolver), curl, promtool, openssl, dnsperf,
# chromium (the status page in a real browser), python3-venv for k8s-check, iproute2 (`ip`) for
# the pod-security test's network namespace.
APT_PACKAGES = pkg-config libuv1-dev libssl-dev dnsutils unbound curl prometheus openssl dnsperf python3 chromium python3-venv iproute2 nsd knot bind9 python3-dnspython
TOOLS = pkg-config dig unbound curl promtool openssl dnsperf python3 chromium ip nsd knotd named

.PHONY: deps build release run test clean bench-deps bench bench-quick bench-probe-close bench-transfer soak fuzz-build fuzz fuzz-smoke test-asan memcheck-deps test-memcheck k8s-check image

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

# Everything CI runs: unit and end-to-end tests, the Kubernetes manifests, the bench smoke,
# each fuzzer for 60 s, the unit tests under AddressSanitizer and the end-to-end daemons under
# valgrind memcheck.
test: build
	$(SWIFT) test
	$(MAKE) k8s-check
	$(MAKE) bench-quick
	$(MAKE) fuzz-smoke
	$(MAKE) test-asan
	$(MAKE) test-memcheck

# libFuzzer targets (Tests/Fuzz/): the daemon built with -DFUZZING runs libFuzzer on the
# target named by ZR_FUZZ_TARGET instead of serving. Release + ASan: ~10k DNS messages/s.
FUZZ_TARGETS = dns corefile http-request http-status control-request master-view
FUZZ_SECONDS ?= 600

fuzz-build: deps
	$(SWIFT) build -c release --product zoneregistry --scratch-path .build-fuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING

# Long run: FUZZ_SECONDS (default 600) per target; the corpus grows in .build-fuzz/corpus.
fuzz: fuzz-build
	Tests/Fuzz/run-fuzzers.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# CI: each target for 60 s; fails on any crash, broken invariant or hang.
fuzz-smoke: fuzz-build
	Tests/Fuzz/run-fuzzers.sh 60 $(FUZZ_TARGETS)

# Unit tests under AddressSanitizer (LeakSanitizer included), in their own build directory.
# End-to-end suites are skipped: they start the ordinary .build/debug daemon.
test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
			--skip 'EndToEnd|HostileTraffic|MisbehavingPeer'

# Valgrind memcheck over the daemon runs of the end-to-end suites that are not about load or
# timing (docs/hardening.md says which and why): the tests start every daemon through
# Tests/Valgrind/memcheck.sh, then check-logs.py fails on any memory error, definite leak or
# daemon that did not exit cleanly. Both steps run; either failing fails the target.
MEMCHECK_LOGS = $(CURDIR)/.build/memcheck
# Tests at once. A daemon spends ~4 s of CPU starting under memcheck: with every test started
# together on two cores the first ones waited minutes (10 min in all; 6 min with 3).
MEMCHECK_PARALLEL = 3
MEMCHECK_SUITES = AnswerEndToEndTests|CommandLineEndToEndTests|FailoverHealthEndToEndTests|ProbeProtocolHealthEndToEndTests|HTTPEndpointEndToEndTests|MetricsEndToEndTests|ReloadEndToEndTests|QueryLogEndToEndTests|ResolverHealthEndToEndTests|HostileTrafficTests/malformed
MEMCHECK_SKIP = twentyReloadsUnderLoad|aPeerWhoseHostIsUnchanged

memcheck-deps: deps
	@command -v valgrind >/dev/null || (apt-get update && apt-get install -y valgrind)

test-memcheck: memcheck-deps
	$(SWIFT) build --build-tests
	rm -rf $(MEMCHECK_LOGS)
	@status=0; \
	ZR_DAEMON_WRAPPER=$(CURDIR)/Tests/Valgrind/memcheck.sh ZR_MEMCHECK_LOGS=$(MEMCHECK_LOGS) \
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(MEMCHECK_PARALLEL) \
		$(SWIFT) test --skip-build --filter '$(MEMCHECK_SUITES)' --skip '$(MEMCHECK_SKIP)' || status=1; \
	python3 Tests/Valgrind/check-logs.py $(MEMCHECK_LOGS) || status=1; \
	exit $$status

clean:
	rm -rf .build

# deploy/kubernetes/ (~5 s after the first pip install): every manifest against the Kubernetes
# 1.30 and 1.37 OpenAPI schemas (kubernetes-validate's bundled files: offline), references
# between them, each Corefile through `zoneregistry -validate`; then Tests/K8s/test_check.py
# breaks copies of the manifests and expects each break reported with its file and field.
K8S_VENV = .build-k8s/venv
$(K8S_VENV)/installed: Tests/K8s/requirements.txt
	rm -rf $(K8S_VENV)
	python3 -m venv $(K8S_VENV)
	$(K8S_VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/K8s/requirements.txt
	touch $@

k8s-check: build $(K8S_VENV)/installed
	$(K8S_VENV)/bin/python Tests/K8s/check.py --binary .build/debug/zoneregistry deploy/kubernetes
	ZR_BINARY=$(CURDIR)/.build/debug/zoneregistry $(K8S_VENV)/bin/python -m unittest discover -s Tests/K8s

# The container image (Containerfile) with podman, else docker. Not built on the project's
# machines: they have no container engine and cannot pull the base images.
IMAGE ?= zoneregistry:$(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/ZoneRegistry/Daemon/ZoneRegistryCommand.swift)
CONTAINER_ENGINE ?= $(shell command -v podman || command -v docker)
image:
	@test -n "$(CONTAINER_ENGINE)" || { echo "make image: neither podman nor docker is installed" >&2; exit 1; }
	$(CONTAINER_ENGINE) build -f Containerfile -t $(IMAGE) .

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

# Polite HTTP probe close vs reset (~3 min plus a release build of the old commit in /tmp):
# the daemon's CPU probing 10,000 http peers/s and the TIME_WAIT sockets left after a minute,
# before (commit cd75c72) and after, side by side. Appends a section to bench/RESULTS.md.
bench-probe-close: release
	python3 bench/probe_close.py --out bench/RESULTS.md

# Zone transfer of a 10,000-peer zone (~3 min; SPEC §10): AXFR time, the longest loop turn DNS
# waits under a flood with AXFRs against /metrics scrapes of the same daemon, and NSD as its
# secondary against the daemon with the same queries. Writes the `transfer` section of bench/RESULTS.md.
bench-transfer: release
	python3 bench/transfer.py --out bench/RESULTS.md

# Soak (~11 min): 10 min at half the measured saturation QPS while 1,000 peers flap; fails if
# RSS, open descriptors or loop handles grow, or under 99 % of queries are answered. Writes
# the `soak` section of bench/RESULTS.md. `python3 bench/soak.py --seconds 60` is a short run.
soak: release
	python3 bench/soak.py --out bench/RESULTS.md
