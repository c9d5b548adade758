#!/usr/bin/env bash
# `make run`: two healthy peer health endpoints on loopback, then the registry on
# examples/Corefile (127.0.0.1:1053) until Ctrl-C. prod2 stays down, so the answers show
# the registry leaving it out; dev1 (secondary) is only answered if both primaries fail.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=()
cleanup() { for pid in "${peers[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
for address in 127.0.0.11 127.0.0.13; do
    python3 Tests/Fixtures/peer.py --address "$address" --port 8080 >/dev/null &
    peers+=("$!")
done
sleep 0.5  # let the endpoints listen before the first probe round
echo "peers: prod1 (127.0.0.11) and dev1 (127.0.0.13) healthy; prod2 (127.0.0.12) down"
echo "try:   dig @127.0.0.1 -p 1053 app.service.example.net A +norec"
echo "       curl http://127.0.0.1:9153/metrics"
.build/release/zoneregistry -conf examples/Corefile
