# shellcheck shell=bash
# Sourced by scripts/golangci/build.sh and test.sh, which set $repo (the
# repository root) first.
# shellcheck disable=SC2154

GCL_VERSION=${GCL_VERSION:-v2.15.0}

die() {
	echo "$(basename "$0"): FAIL: $*" >&2
	exit 1
}

# gcl_setup_go: the Go toolchain of this repository's go.mod (its toolchain
# line) also builds the wrapper module, whose own go line is older.
gcl_setup_go() {
	command -v go >/dev/null 2>&1 || die "no go command on PATH"
	case ${GOTOOLCHAIN:-auto} in
	auto | *+auto)
		GOTOOLCHAIN=$(cd "$repo" && GOTOOLCHAIN=auto go env GOVERSION) ||
			die "cannot select the Go toolchain of $repo/go.mod"
		export GOTOOLCHAIN
		;;
	esac
}

# gcl_source_hash: a short hash of what goes into the plugin: the non-test
# Go files of every package of this module that the analyzer package
# links, go.mod, go.sum, the golangci-lint version, the Go version,
# build.sh (which writes the wrapper's main) and custom.sh (whose binary
# test.sh keeps beside build.sh's).
gcl_source_hash() {
	local files
	files=$(cd "$repo" && go list -deps \
		-f '{{if not .Standard}}{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{end}}' ./analyzer) ||
		die "go list ./analyzer failed"
	{
		echo "$GCL_VERSION $(go env GOVERSION)"
		cd "$repo" || exit 1
		grep "^$repo/" <<<"$files" | sed "s|^$repo/||" | LC_ALL=C sort |
			xargs sha256sum -- go.mod go.sum scripts/golangci/build.sh scripts/golangci/custom.sh
	} | sha256sum | cut -c1-12
}

# gcl_default_binary HASH: where build.sh puts, and test.sh looks for, the
# binary built from sources with that hash.
gcl_default_binary() {
	local dir=${TEARDOWN_GCL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/teardown-golangci}
	echo "$dir/golangci-lint-$GCL_VERSION-teardown-$1"
}
