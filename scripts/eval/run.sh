#!/usr/bin/env bash
# run.sh: measure teardown on real network code.
#
# Builds cmd/teardown, makes a scratch module outside the repository that
# requires every module of scripts/eval/modules.txt at its pinned version,
# runs `teardown -json` over every package of those modules (test files
# included, as teardown's default), and writes each finding as one line
#
#     rule<TAB>module@version<TAB>relative/file.go:line<TAB>message
#
# sorted, to the findings file. Third-party source is only read from the
# module cache; nothing of it is copied into the repository.
#
# Usage: scripts/eval/run.sh [-rev REV] [-o FINDINGS] [-notest] [-keep] [-report]
#   -rev REV     build teardown from the committed revision REV (git archive
#                into the scratch directory) instead of the work tree, so
#                that edits in progress do not change the measurement
#   -o FINDINGS  where to write the findings (default testdata/eval/findings.txt);
#                the package list goes to packages.txt and analyzer errors to
#                errors.txt in the same directory
#   -notest      analyze without test files (teardown -test=false)
#   -keep        reuse the scratch module's go.mod/go.sum (skip `go get`)
#   -report      also rewrite the generated section of docs/evaluation.md (totals,
#                precision, the table of findings) from FINDINGS and
#                testdata/eval/triage.tsv
# Every run checks FINDINGS against testdata/eval/triage.tsv and lists the
# findings that have no verdict yet (and verdicts whose finding is gone).
# Environment: TEARDOWN_FLAGS, extra teardown flags (e.g. -unreadclose.framed);
# TEARDOWN_EVAL_DIR, the scratch directory
# (default ${TMPDIR:-/tmp}/teardown-eval).
#
# Deterministic: the same pins give the same files. The analysis is done
# for GOOS=linux GOARCH=amd64 CGO_ENABLED=0 whatever the host, so build
# constraints select the same files everywhere. Needs the Go module proxy
# on the first run; later runs are served from the module cache.
set -euo pipefail
export GOTOOLCHAIN=auto
export GOWORK=off
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/testdata/eval/findings.txt
testflag=-test=true
keep=0
report=0
rev=
while [ $# -gt 0 ]; do
	case $1 in
	-rev) rev=$2; shift 2 ;;
	-o) out=$(realpath -m "$2"); shift 2 ;;
	-notest) testflag=-test=false; shift ;;
	-keep) keep=1; shift ;;
	-report) report=1; shift ;;
	-h | -help | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
outdir=$(dirname "$out")
mkdir -p "$outdir"
scratch=${TEARDOWN_EVAL_DIR:-${TMPDIR:-/tmp}/teardown-eval}
case "$scratch/" in
"$repo"/*) echo "run.sh: the scratch directory must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$scratch/bin"

start=$(date +%s.%N)
phase=$start
lap() {
	local now
	now=$(date +%s.%N)
	awk -v a="$phase" -v b="$now" -v l="$1" 'BEGIN { printf "  %-28s %6.1f s\n", l, b - a }'
	phase=$now
}

echo "teardown evaluation: scratch module $scratch"

# 1. The analyzer, built for the host from the work tree or from -rev.
src=$repo
if [ -n "$rev" ]; then
	commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
	src=$scratch/src
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$repo" archive --format=tar "$commit" | tar -x -C "$src"
	echo "  teardown from commit $commit"
else
	echo "  teardown from the work tree (at $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- . 2>/dev/null || echo ', with uncommitted changes'))"
fi
(cd "$src" && go build -o "$scratch/bin/teardown" ./cmd/teardown)
(cd "$repo/scripts/eval" && go build -o "$scratch/bin/normalize" normalize.go)
lap "build teardown"

# From here on, packages are loaded for one fixed platform.
export GOOS=linux GOARCH=amd64 CGO_ENABLED=0

# 2. The scratch module, requiring every pinned module.
mods=()
pins=()
while read -r m v _; do
	case $m in '' | \#*) continue ;; esac
	mods+=("$m")
	pins+=("$m@$v")
done <"$repo/scripts/eval/modules.txt"
cd "$scratch"
if [ $keep = 0 ] || [ ! -f go.mod ]; then
	rm -f go.mod go.sum
	printf 'module teardown-eval\n\ngo 1.26.0\n' >go.mod
	go get "${pins[@]}" 2>"$scratch/get.log" || { cat "$scratch/get.log" >&2; exit 1; }
	go mod download all
fi
go list -m -f '{{.Path}} {{.Version}} {{.Dir}}' all >"$scratch/mods.txt"
# Minimal version selection must not have moved a pin (another module
# requiring a newer version would): the triage is of the pinned code.
bad=0
for p in "${pins[@]}"; do
	m=${p%@*} v=${p##*@}
	got=$(awk -v m="$m" '$1 == m { print $2 }' "$scratch/mods.txt")
	if [ "$got" != "$v" ]; then
		echo "run.sh: $m is at ${got:-nothing}, not the pinned $v" >&2
		bad=1
	fi
done
[ $bad = 0 ] || exit 1
lap "scratch module + download"

# 3. The packages of each module (only those of the module itself: a
# pattern like M/... also matches nested modules), with load errors.
patterns=()
for m in "${mods[@]}"; do patterns+=("$m/..."); done
go list -e -json=ImportPath,Module,Error,DepsErrors "${patterns[@]}" 2>"$scratch/list.log" |
	"$scratch/bin/normalize" packages -pins "${pins[*]}" >"$outdir/packages.txt"
pkgs=()
while IFS=$'\t' read -r _ p _; do pkgs+=("$p"); done <"$outdir/packages.txt"
nfail=$(grep -c $'\tload error: ' "$outdir/packages.txt" || true)
echo "  ${#pkgs[@]} packages in ${#mods[@]} modules, $nfail failed to load (see $outdir/packages.txt)"
lap "list packages"

# 4. teardown over all of them in one run: the standard library and the
# shared dependencies are analyzed once. -json exits 0 with findings.
set +e
"$scratch/bin/teardown" -json $testflag ${TEARDOWN_FLAGS:-} "${pkgs[@]}" >"$scratch/teardown.json" 2>"$scratch/teardown.stderr"
rc=$?
set -e
lap "teardown -json"
if [ ! -s "$scratch/teardown.json" ]; then
	echo "run.sh: teardown printed no JSON (exit $rc):" >&2
	cat "$scratch/teardown.stderr" >&2
	exit 1
fi
if grep -q 'internal error' "$scratch/teardown.stderr" "$scratch/teardown.json"; then
	echo "run.sh: INTERNAL ERROR in teardown, see $outdir/errors.txt and $scratch/teardown.stderr" >&2
fi

# 5. Normalize, deduplicate and sort.
echo "findings per rule:"
"$scratch/bin/normalize" findings \
	-mods "$scratch/mods.txt" -json "$scratch/teardown.json" -errors "$outdir/errors.txt" 2>&1 >"$out.tmp"
mv "$out.tmp" "$out"
lap "normalize"
phase=$start
lap "wall time"
echo "wrote $out"

# 6. Which findings still need a verdict?
doc=()
[ $report = 1 ] && doc=(-doc "$repo/docs/evaluation.md")
[ $testflag = -test=false ] && doc+=(-subset)
if "$scratch/bin/normalize" report -findings "$out" -triage "$repo/testdata/eval/triage.tsv" "${doc[@]}" >/dev/null; then
	echo "every finding has a verdict in testdata/eval/triage.tsv"
	[ $report = 1 ] && echo "rewrote the generated section of docs/evaluation.md"
else
	echo "run.sh: triage is incomplete (see above); docs/evaluation.md was not updated" >&2
	exit 1
fi
