# Two commands for a fresh machine: `make run` and `make test`. Both install what they need.
SWIFT ?= swift
# Build: libuv, OpenSSL. Tests: dig, unbound (a real resolver), curl, promtool, openssl, dnsperf.
APT_PACKAGES = pkg-config libuv1-dev libssl-dev dnsutils unbound curl prometheus openssl dnsperf python3
TOOLS = pkg-config dig unbound curl promtool openssl dnsperf python3

.PHONY: deps build release run test clean

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

test: build
	$(SWIFT) test

clean:
	rm -rf .build
