#!/usr/bin/env bash
# Keeps helm/careloop/files/kong.yml identical to deploy/kong/kong.yml, the one truth for the edge.
# Helm reads only files inside a chart (.Files.Get), so the chart carries a copy; test/helm checks they match.
#
#   bash helm/sync-kong-config.sh          copy deploy/kong/kong.yml into the chart
#   bash helm/sync-kong-config.sh --check  exit 1 (and say so) when the copy differs
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_file="${root}/deploy/kong/kong.yml"
chart_copy="${root}/helm/careloop/files/kong.yml"

if [[ "${1:-}" == "--check" ]]; then
  if cmp -s "${source_file}" "${chart_copy}"; then
    echo "helm/careloop/files/kong.yml matches deploy/kong/kong.yml"
    exit 0
  fi
  echo "helm/careloop/files/kong.yml differs from deploy/kong/kong.yml: run bash helm/sync-kong-config.sh" >&2
  exit 1
fi

mkdir -p "$(dirname "${chart_copy}")"
cp "${source_file}" "${chart_copy}"
echo "copied deploy/kong/kong.yml to helm/careloop/files/kong.yml"
