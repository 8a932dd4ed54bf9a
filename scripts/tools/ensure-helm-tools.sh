#!/usr/bin/env bash
# Installs the Helm chart tooling into .cache/tools (idempotent) and prints the bin directory on stdout.
#
#   bash scripts/tools/ensure-helm-tools.sh          ->  /abs/path/.cache/tools/bin
#
#   .cache/tools/bin/helm                      helm.sh/helm/v3, built with `go install` at a pinned version
#   .cache/tools/bin/kubeconform               github.com/yannh/kubeconform, same way
#   .cache/tools/kubernetes-json-schema/       Kubernetes JSON schemas for kubeconform, one folder per version,
#     v<K>-local-strict/<kind>-<group>-<ver>.json   taken from the PyPI package kubernetes-validate (a wheel that
#                                                    ships them), so no GitHub access is needed
#
# Everything comes from package registries (the Go module proxy and PyPI); a tool already present at the pinned
# version is left alone, so a warm run takes well under a second. Progress goes to stderr; stdout is only the path.
# Overrides: HELM_VERSION, KUBECONFORM_VERSION, KUBERNETES_VALIDATE_VERSION, CARELOOP_KUBE_VERSIONS (space-separated).
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest the schema package ships.
CARELOOP_KUBE_VERSIONS="${CARELOOP_KUBE_VERSIONS:-1.29.0 1.37.0}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="${root}/.cache/tools"
bin="${tools}/bin"
schemas="${tools}/kubernetes-json-schema"
mkdir -p "${bin}" "${schemas}"

log() { printf 'ensure-helm-tools: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# One installer at a time: parallel jest workers or shells must not build into the same GOBIN at once.
exec 9>"${tools}/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

need_go() {
  command -v go >/dev/null 2>&1 \
    || die "'go' is not on PATH: $1 is built from source with 'go install'; install Go 1.24 or newer (Debian: apt-get install golang-go; older Go fetches the needed toolchain through the module proxy) and run this again"
}

# go_tool NAME MODULE/cmd/NAME VERSION [LDFLAGS]: `go install` into ${bin} unless the stamp says that version is there.
go_tool() {
  local name="$1" package="$2" version="$3" ldflags="${4:-}"
  local stamp="${bin}/.${name}.version"
  if [[ -x "${bin}/${name}" && -f "${stamp}" && "$(cat "${stamp}")" == "${package}@${version}" ]]; then
    return 0
  fi
  need_go "${name}"
  log "building ${name} ${version} with $(go version | awk '{print $3}') (helm, the first time: about 5 minutes on 2 cores)"
  local started=${SECONDS}
  # CGO off: static binaries, no C toolchain needed. -trimpath: no local paths in the binary.
  GOBIN="${bin}" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w ${ldflags}" "${package}@${version}" >&2 \
    || die "go install ${package}@${version} failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  printf '%s\n' "${package}@${version}" >"${stamp}"
  log "${name} ${version} ready in $((SECONDS - started))s"
}

# helm's Makefile stamps its version and the Kubernetes version `helm template`/`helm lint` assume (derived from
# the client-go it is built with); a plain `go install` would leave v1.20, which fails charts with a kubeVersion.
helm_ldflags() {
  local gomod client_go major minor
  gomod="$(go mod download -json "helm.sh/helm/v3@${HELM_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "${gomod}")" # v0.34.2 -> Kubernetes 1.34
  [[ "${client_go}" =~ ^v0\.([0-9]+)\. ]] || die "cannot read k8s.io/client-go's version from ${gomod}"
  major=1 minor="${BASH_REMATCH[1]}"
  local x
  for x in pkg/chartutil pkg/lint/rules; do
    printf -- '-X helm.sh/helm/v3/%s.k8sVersionMajor=%s -X helm.sh/helm/v3/%s.k8sVersionMinor=%s ' "${x}" "${major}" "${x}" "${minor}"
  done
  printf -- '-X helm.sh/helm/v3/internal/version.version=%s -X helm.sh/helm/v3/internal/version.metadata=' "${HELM_VERSION}"
}

if [[ ! -x "${bin}/helm" || "$(cat "${bin}/.helm.version" 2>/dev/null)" != "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" ]]; then
  need_go helm
  go_tool helm helm.sh/helm/v3/cmd/helm "${HELM_VERSION}" "$(helm_ldflags)"
fi
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "${KUBECONFORM_VERSION}" \
  "-X main.version=${KUBECONFORM_VERSION}"

# Kubernetes JSON schemas. kubernetes-validate's schemas carry `$id: https://kubernetes.io/api/...` and reference
# one shared `_definitions.json` as `/api/_definitions.json`, resolved against that $id (its own Python registry
# maps the URL to the file). kubeconform loads only files, so while extracting the $id is dropped and the
# references point at the sibling file: `_definitions.json#/$defs/...`, resolved against the file's own path.
missing=()
for kube in ${CARELOOP_KUBE_VERSIONS}; do
  stamp="${schemas}/v${kube}-local-strict/.source"
  if [[ ! -f "${stamp}" || "$(cat "${stamp}")" != "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}" ]]; then
    missing+=("${kube}")
  fi
done
if ((${#missing[@]} > 0)); then
  command -v python3 >/dev/null 2>&1 || die "'python3' (with pip) is needed to fetch the Kubernetes JSON schemas"
  python3 -m pip --version >/dev/null 2>&1 || die "'python3 -m pip' is needed to fetch the Kubernetes JSON schemas"
  download="$(mktemp -d)"
  trap 'rm -rf "${download}"' EXIT
  log "fetching Kubernetes JSON schemas (kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}) for ${missing[*]}"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    -d "${download}" "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}" >&2 \
    || die "pip could not download kubernetes-validate==${KUBERNETES_VALIDATE_VERSION} from PyPI"
  python3 - "${download}" "${schemas}" "${KUBERNETES_VALIDATE_VERSION}" "${missing[@]}" <<'PY'
import glob, json, os, shutil, sys, zipfile

download, target, package_version, *versions = sys.argv[1:]
wheel = zipfile.ZipFile(glob.glob(os.path.join(download, "kubernetes_validate-*.whl"))[0])
names = wheel.namelist()
for kube in versions:
    folder = f"v{kube}-local-strict"
    prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
    members = [n for n in names if n.startswith(prefix) and n.endswith(".json")]
    if not members:
        shipped = sorted({n.split("/")[2] for n in names if n.count("/") >= 3 and "strict" in n})
        sys.exit(f"ensure-helm-tools: ERROR: kubernetes-validate {package_version} has no {folder}; it ships {shipped}")
    out = os.path.join(target, folder)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for member in members:
        schema = json.loads(wheel.read(member))
        schema.pop("$id", None)
        text = json.dumps(schema, separators=(",", ":")).replace('"/api/_definitions.json#', '"_definitions.json#')
        with open(os.path.join(out, member[len(prefix):]), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(out, ".source"), "w") as f:
        f.write(f"kubernetes-validate=={package_version}\n")
    print(f"ensure-helm-tools: {len(members)} schemas in {out}", file=sys.stderr)
PY
fi

printf '%s\n' "${bin}"
