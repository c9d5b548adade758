# Two commands for a fresh machine: `make run` and `make test`. Both install what they need.
SWIFT ?= swift
APT_PACKAGES = pkg-config libuv1-dev libssl-dev dnsutils

.PHONY: deps build release run test clean

# apt only when a tool is missing, so repeated runs stay fast and offline.
deps:
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists libuv openssl || ! command -v dig >/dev/null; then \
		apt-get update && apt-get install -y $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Serve examples/Corefile on 127.0.0.1:1053 until Ctrl-C.
run: release
	@echo "try: dig @127.0.0.1 -p 1053 app.service.example.net A +norec"
	.build/release/zoneregistry -conf examples/Corefile

test: build
	$(SWIFT) test

clean:
	rm -rf .build
