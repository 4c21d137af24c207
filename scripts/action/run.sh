#!/usr/bin/env bash
# scripts/action/run.sh: the steps of the GitHub Action (action.yml at the
# repository root), runnable anywhere:
#
#	scripts/action/run.sh install   build teardown from this checkout
#	scripts/action/run.sh lint      run it; write SARIF or print findings
#
# install builds ./cmd/teardown of the checkout this script is in (the
# action's own ref: no release or download needed) with the Go on PATH,
# into $TEARDOWN_BIN_DIR (default $RUNNER_TEMP/teardown-action), and puts
# that directory on the job's PATH ($GITHUB_PATH) when run in Actions.
#
# lint runs, in $INPUT_WORKING_DIRECTORY (default .),
#	teardown -format=sarif -o $INPUT_SARIF_FILE $INPUT_ARGS $INPUT_PACKAGES
# or, with INPUT_FORMAT=text, teardown $INPUT_ARGS $INPUT_PACKAGES
# (INPUT_ARGS and INPUT_PACKAGES are split at white space; defaults: no
# flags, ./...). It exits 0 whether or not there are findings (teardown's
# exit status 3), so that the SARIF can be uploaded first, and writes to
# $GITHUB_OUTPUT:
#	findings=true|false
#	sarif-file=ABSOLUTE PATH (format sarif only)
# Any other exit status of teardown (1 analysis failed, 2 usage) is the
# script's, with an ::error:: line. Tested by internal/clitest
# TestActionScript.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
bindir=${TEARDOWN_BIN_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/teardown-action}
output=${GITHUB_OUTPUT:-/dev/null}

case ${1:-} in
install)
	command -v go >/dev/null 2>&1 || {
		echo "::error::teardown: no go command on PATH; add actions/setup-go (Go >= 1.26) before this action"
		exit 1
	}
	mkdir -p "$bindir"
	(cd "$src" && go build -o "$bindir/teardown" ./cmd/teardown)
	if [ -n "${GITHUB_PATH:-}" ]; then
		echo "$bindir" >>"$GITHUB_PATH"
	fi
	echo "teardown: built $bindir/teardown from $src with $(go env GOVERSION)"
	;;
lint)
	bin=$bindir/teardown
	[ -x "$bin" ] || {
		echo "::error::teardown: $bin not found; run '$0 install' first"
		exit 1
	}
	cd "${INPUT_WORKING_DIRECTORY:-.}"
	read -r -a args <<<"${INPUT_ARGS:-}"
	read -r -a pkgs <<<"${INPUT_PACKAGES:-./...}"
	[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
	status=0
	case ${INPUT_FORMAT:-sarif} in
	sarif)
		sarif=${INPUT_SARIF_FILE:-teardown.sarif}
		case $sarif in /*) ;; *) sarif=$PWD/$sarif ;; esac
		"$bin" -format=sarif -o "$sarif" "${args[@]}" "${pkgs[@]}" || status=$?
		echo "sarif-file=$sarif" >>"$output"
		;;
	text)
		"$bin" "${args[@]}" "${pkgs[@]}" || status=$?
		;;
	*)
		echo "::error::teardown: format must be sarif or text, not ${INPUT_FORMAT}"
		exit 2
		;;
	esac
	case $status in
	0)
		echo "findings=false" >>"$output"
		echo "teardown: no findings"
		;;
	3)
		echo "findings=true" >>"$output"
		echo "teardown: findings reported${sarif:+ (in $sarif)}"
		;;
	*)
		echo "::error::teardown failed with exit status $status (1: the packages could not be analyzed, 2: bad flags or arguments)"
		exit "$status"
		;;
	esac
	;;
*)
	echo "usage: $0 install | lint" >&2
	exit 2
	;;
esac
