#!/usr/bin/env bash
# Builds the dynamic SR proxy's BPF object: bpf/sr_proxy.c -> build/bpf/sr_proxy.o, with Debian's
# clang (-O2 -g -target bpf) against libbpf-dev's headers. `--if-stale` builds only when the object
# is missing or older than a source (scripts/setup.sh runs it that way: quiet when up to date).
# The output directory is gitignored; override it with SFC_BPF_BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

src=bpf/sr_proxy.c
out_dir=${SFC_BPF_BUILD_DIR:-build/bpf}
out=$out_dir/sr_proxy.o

if [ "${1:-}" = --if-stale ] && [ -f "$out" ]; then
  stale=0
  for f in bpf/*.c bpf/*.h scripts/build-bpf.sh; do
    [ "$f" -nt "$out" ] && stale=1
  done
  [ $stale = 0 ] && exit 0
fi

for tool in clang llvm-strip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-bpf: $tool missing (scripts/setup.sh installs clang and llvm)" >&2; exit 1; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build-bpf: libbpf headers missing (Debian package libbpf-dev)" >&2; exit 1; }

# <linux/types.h> includes <asm/types.h>, which Debian keeps under the multiarch directory.
multiarch=$(gcc -dumpmachine 2>/dev/null || echo "$(uname -m)-linux-gnu")
mkdir -p "$out_dir"
tmp=$(mktemp "$out_dir/.sr_proxy.XXXXXX.o")
trap 'rm -f "$tmp"' EXIT
clang -O2 -g -target bpf -Wall -Werror -I bpf -I "/usr/include/$multiarch" -c "$src" -o "$tmp"
# Keep BTF (.BTF, .BTF.ext: bpftool prints map values by field name); drop DWARF only.
llvm-strip -g "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
echo "build-bpf: built $out" >&2
