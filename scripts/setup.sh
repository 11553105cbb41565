#!/usr/bin/env bash
# Installs what srv6-sfc's commands need on a fresh Debian machine (Node itself is assumed).
# Idempotent and quiet when everything is present. Usage: scripts/setup.sh [bench]
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
want() { # want <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
}
want ip iproute2
want tc iproute2
want nft nftables
want nsenter util-linux
want ping iputils-ping
# The dynamic SR proxy (bpf/sr_proxy.c): built here with Debian's clang/llvm against libbpf's
# headers, loaded and pinned with bpftool; function legs need ethtool (TSO/GSO off). iperf3 drives
# TCP through chains in the privileged tests and bench:proxy.
want clang clang
want llc llvm
[ -f /usr/include/bpf/bpf_helpers.h ] || need_pkgs+=(libbpf-dev)
want bpftool bpftool
want ethtool ethtool
want iperf3 iperf3
# The external-client test (npm test, unit tier) drives the controller from Python: Debian's
# grpcio and grpc-tools, for Debian's interpreter (/usr/bin/python3), whatever python3 is on PATH.
/usr/bin/python3 -c 'import grpc' 2>/dev/null || need_pkgs+=(python3-grpcio)
/usr/bin/python3 -c 'import grpc_tools.protoc' 2>/dev/null || need_pkgs+=(python3-grpc-tools)
if [ "${1:-}" = bench ]; then
  # The benchmark's reference runs Debian's python (/usr/bin/python3), whatever python3 is on PATH.
  /usr/bin/python3 -c 'import pyroute2' 2>/dev/null || need_pkgs+=(python3-pyroute2)
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing ${need_pkgs[*]} and not root: install them or run as root" >&2
    exit 1
  fi
  echo "setup: installing ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# The BPF object: (re)built when missing or older than its sources (quiet otherwise).
bash scripts/build-bpf.sh --if-stale
