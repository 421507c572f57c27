#!/usr/bin/env bash
# Unused project includes: runs include-what-you-use (Debian package `iwyu`, not installed by
# install-deps.sh: a maintenance tool, not part of the build or the tests) over every source file
# of src/ and apps/ with the dev build's compile commands, and prints the lines it would remove
# that name our own headers ("module/file.hpp"). Its suggestions about system and Boost headers
# are not printed: the precompiled headers (forced includes) make it see those as already there,
# so it proposes removing includes that are used (e.g. fmt/format.h where fmt::format is called).
#   scripts/iwyu.sh            (after cmake --preset dev)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v iwyu_tool >/dev/null || { echo "iwyu.sh: apt-get install iwyu" >&2; exit 2; }
[ -f build/dev/compile_commands.json ] || cmake --preset dev >/dev/null
files=$(git ls-files 'src/*.cpp' 'apps/*.cpp' | grep -v '^src/asio/')
# shellcheck disable=SC2086
iwyu_tool -j "$(nproc)" -p build/dev $files -- -Xiwyu --no_fwd_decls 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
found = 0
for path, body in re.findall(r"\n(\S+) should remove these lines:\n(.*?)\n\n", text, re.S):
    for line in body.splitlines():
        if line.startswith("- #include \""):
            print(f"{path}: {line[2:]}")
            found += 1
print(f"iwyu.sh: {found} unused project include(s)")
sys.exit(1 if found else 0)
'
