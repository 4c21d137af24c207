#!/usr/bin/env bash
# scripts/golangci/custom.sh: the documented `golangci-lint custom` route
# (a .custom-gcl.yml with a local `path:` to the teardown module), run
# without github.com:
#
#	scripts/golangci/custom.sh -gcl GOLANGCI_LINT -o FILE
#
# GOLANGCI_LINT is any golangci-lint v2 binary (test.sh passes the one
# build.sh made). The steps are what a user without access to github.com
# does (docs/integrations.md, "Offline: .custom-gcl.yml with path:"):
#
#  1. a git repository of golangci-lint $GCL_VERSION made from its module
#     zip (go mod download, from the module proxy or a filled module
#     cache), committed and tagged $GCL_VERSION;
#  2. a directory with a .custom-gcl.yml: version $GCL_VERSION, the plugin
#     module github.com/teardownlint/teardown with `path:` this checkout;
#  3. `GOLANGCI_LINT custom -v` there, with git told (GIT_CONFIG_COUNT,
#     url.<mirror>.insteadOf) to clone https://github.com/golangci/golangci-lint.git
#     from that repository. GOFLAGS gets -trimpath, so that the build
#     reuses the packages build.sh compiled (golangci-lint custom itself
#     builds without it).
#
# The last line of stdout is "binary: FILE".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

gcl="" out=""
while [ $# -gt 0 ]; do
	case $1 in
	-gcl)
		gcl=$2
		shift 2
		;;
	-o)
		out=$2
		shift 2
		;;
	*) die "usage: custom.sh -gcl GOLANGCI_LINT -o FILE" ;;
	esac
done
[ -x "$gcl" ] && [ -n "$out" ] || die "usage: custom.sh -gcl GOLANGCI_LINT -o FILE"
command -v git >/dev/null 2>&1 || die "no git command (golangci-lint custom clones with git)"
gcl_setup_go
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-gcl-custom.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The local golangci-lint repository.
info=$(go mod download -json "github.com/golangci/golangci-lint/v2@$GCL_VERSION") ||
	die "go mod download github.com/golangci/golangci-lint/v2@$GCL_VERSION failed"
src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info" | head -n1)
[ -d "$src" ] || die "no module directory in: $info"
mirror=$work/golangci-lint.git
cp -r "$src" "$mirror"
chmod -R u+w "$mirror"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git -C "$mirror" init -q
git -C "$mirror" add -A
git -C "$mirror" -c user.name=custom.sh -c user.email=custom.sh@localhost commit -qm "golangci-lint $GCL_VERSION (module zip)"
git -C "$mirror" tag "$GCL_VERSION"

# 2. The project's .custom-gcl.yml.
proj=$work/project
mkdir -p "$proj"
cat >"$proj/.custom-gcl.yml" <<YAML
version: $GCL_VERSION
name: custom-gcl
destination: ./bin
plugins:
  - module: github.com/teardownlint/teardown
    import: github.com/teardownlint/teardown/analyzer
    path: $repo
YAML

# 3. golangci-lint custom, cloning from the local repository.
echo "custom.sh: $gcl custom in $proj (.custom-gcl.yml: path: $repo), golangci-lint from $mirror"
(
	cd "$proj"
	GIT_CONFIG_COUNT=1 \
		GIT_CONFIG_KEY_0="url.file://$mirror.insteadOf" \
		GIT_CONFIG_VALUE_0=https://github.com/golangci/golangci-lint.git \
		GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath" \
		"$gcl" custom -v
) || die "golangci-lint custom failed"
[ -x "$proj/bin/custom-gcl" ] || die "golangci-lint custom wrote no bin/custom-gcl"
mkdir -p "$(dirname "$out")"
mv -f "$proj/bin/custom-gcl" "$out"
"$out" version || die "the custom binary does not run"
echo "custom.sh: built in $((SECONDS - start)) s"
echo "binary: $out"
