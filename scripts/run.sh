#!/usr/bin/env bash
# The first set-up command: installs what is missing, builds, and runs chatgate on its embedded
# defaults (SQLite file ./chatgate.db, in-process adapter, --dev secret). Extra args go to chatgate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release --target chatgate
exec ./build/release/apps/chatgate/chatgate serve --dev "$@"
