#!/usr/bin/env bash
# run.sh: measure teardown on real network code.
#
# Builds cmd/teardown, makes a scratch module outside the repository that
# requires every module of scripts/eval/modules.txt at its pinned version,
# runs `teardown -json` over every package of those modules, and writes
# each finding as one line
#
#     rule<TAB>module@version<TAB>relative/file.go:line<TAB>message
#
# sorted, to the findings file of the configuration. Third-party source is
# only read from the module cache; nothing of it is copied into the
# repository.
#
# Configurations (each has its findings file in testdata/eval):
#   default        teardown's defaults: library code, _test.go files
#                  neither analyzed nor reported          findings.txt (the baseline)
#   -tests         -connflow.tests: test files too        findings-tests.txt
#   -framed        -unreadclose.framed                    findings-framed.txt
#   -tests -framed both flags                             findings-tests-framed.txt
#
# Usage: scripts/eval/run.sh [-tests] [-framed] [-all] [-check] [-report]
#                            [-reportonly] [-rev REV] [-o FINDINGS] [-keep]
#   -tests       analyze and report _test.go files too (-connflow.tests)
#   -framed      also report framed replies (-unreadclose.framed)
#   -all         run all four configurations, one after the other
#   -check       the baseline guard: run the configuration (default: the
#                default one) into a temporary directory and fail (exit 1,
#                printing the diff) when its findings, packages or analyzer
#                errors differ from those in testdata/eval, or when a
#                finding has no verdict in testdata/eval/triage.tsv.
#                Writes nothing into the repository.
#   -report      after the run, rewrite the generated sections of
#                docs/evaluation.md (totals of the default and the tests
#                configuration, the -unreadclose.framed comparison, the
#                findings per module, the table of all findings) from all
#                four findings files and testdata/eval/triage.tsv
#   -reportonly  only that: no analysis, the findings files as they are
#   -rev REV     build teardown from the committed revision REV (git archive
#                into the scratch directory) instead of the work tree, so
#                that edits in progress do not change the measurement
#   -o FINDINGS  where to write the findings (not with -all or -check); the
#                package list goes to packages.txt and analyzer errors to
#                errors.txt (errors-CONFIG.txt) in the same directory
#   -keep        reuse the scratch module's go.mod/go.sum (skip `go get`)
# Every run checks the findings against testdata/eval/triage.tsv and lists
# the findings that have no verdict yet (and, with all four configurations
# at hand, verdicts whose finding is gone); exit 1 if there are any.
# Environment: TEARDOWN_FLAGS, extra teardown flags. -connflow.tests and
# -unreadclose.framed there select their configuration, as -tests and
# -framed do; any other flag makes a file of no configuration, so it needs
# -o. TEARDOWN_EVAL_DIR, the scratch directory (default
# ${TMPDIR:-/tmp}/teardown-eval).
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
evaldir=$repo/testdata/eval
out=
tests=0
framed=0
all=0
checkmode=0
keep=0
report=0
reportonly=0
rev=
while [ $# -gt 0 ]; do
	case $1 in
	-tests) tests=1; shift ;;
	-framed) framed=1; shift ;;
	-all) all=1; shift ;;
	-check) checkmode=1; shift ;;
	-report) report=1; shift ;;
	-reportonly) report=1; reportonly=1; shift ;;
	-rev) rev=$2; shift 2 ;;
	-o) out=$(realpath -m "$2"); shift 2 ;;
	-keep) keep=1; shift ;;
	-notest) echo "run.sh: -notest is gone: the default configuration leaves test files out; -tests puts them in" >&2; exit 2 ;;
	-h | -help | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
extra=()
for w in ${TEARDOWN_FLAGS:-}; do
	case $w in
	-connflow.tests | --connflow.tests | -connflow.tests=true | --connflow.tests=true) tests=1 ;;
	-unreadclose.framed | --unreadclose.framed | -unreadclose.framed=true | --unreadclose.framed=true) framed=1 ;;
	*) extra+=("$w") ;;
	esac
done
if [ ${#extra[@]} -gt 0 ] && [ -z "$out" ]; then
	echo "run.sh: TEARDOWN_FLAGS=${extra[*]} makes findings of no configuration: give -o FILE" >&2
	exit 2
fi
if [ -n "$out" ] && { [ $all = 1 ] || [ $checkmode = 1 ]; }; then
	echo "run.sh: -o does not go with -all or -check" >&2
	exit 2
fi
if [ $checkmode = 1 ] && { [ $all = 1 ] || [ $report = 1 ]; }; then
	echo "run.sh: -check does not go with -all, -report or -reportonly" >&2
	exit 2
fi

# config NAME: the configuration's teardown flags and findings file.
config_flags() {
	case $1 in
	default) echo "" ;;
	tests) echo "-connflow.tests" ;;
	framed) echo "-unreadclose.framed" ;;
	tests-framed) echo "-connflow.tests -unreadclose.framed" ;;
	esac
}
config_file() {
	case $1 in
	default) echo findings.txt ;;
	*) echo "findings-$1.txt" ;;
	esac
}
allconfigs=(default tests framed tests-framed)

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

# triage FINDINGS-ARGS...: check verdicts (normalize report), optionally
# rewriting docs/evaluation.md.
triage() {
	if "$scratch/bin/normalize" report -triage "$evaldir/triage.tsv" "$@" >/dev/null; then
		echo "every finding has a verdict in testdata/eval/triage.tsv"
		return 0
	fi
	echo "run.sh: triage is incomplete (see above)" >&2
	return 1
}

# report: every configuration's findings file, for normalize report.
report_args() {
	local c f
	for c in "${allconfigs[@]}"; do
		f=$evaldir/$(config_file "$c")
		if [ ! -f "$f" ]; then
			echo "run.sh: $f is missing; run scripts/eval/run.sh -all" >&2
			return 1
		fi
		printf '%s\n' -findings "$c=$f"
	done
}

build_normalize() {
	(cd "$repo/scripts/eval" && go build -o "$scratch/bin/normalize" normalize.go)
}

if [ $reportonly = 1 ]; then
	build_normalize
	mapfile -t args < <(report_args || true)
	[ ${#args[@]} = 8 ] || exit 1
	triage "${args[@]}" -doc "$repo/docs/evaluation.md" -packages "$evaldir/packages.txt" || { echo "run.sh: docs/evaluation.md was not updated" >&2; exit 1; }
	echo "rewrote the generated sections of docs/evaluation.md"
	exit 0
fi

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
	echo "  teardown from the work tree (at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- . 2>/dev/null || echo ', with uncommitted changes'))"
fi
(cd "$src" && go build -o "$scratch/bin/teardown" ./cmd/teardown)
build_normalize
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

# Where this run writes: testdata/eval, or a temporary directory (-check).
outdir=$evaldir
if [ $checkmode = 1 ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/teardown-check.XXXXXX")
	trap 'rm -rf "$outdir"' EXIT
elif [ -n "$out" ]; then
	outdir=$(dirname "$out")
fi
mkdir -p "$outdir"

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

# 4. teardown over all of them in one run per configuration: the standard
# library and the shared dependencies are analyzed once. -json exits 0
# with findings.
# run_config NAME FILE FLAGS...: analyze, normalize, write FILE.
run_config() {
	local name=$1 file=$2 errs rc
	shift 2
	case $name in
	default) errs=$outdir/errors.txt ;;
	*) errs=$outdir/errors-$name.txt ;;
	esac
	echo "configuration $name: teardown -json $* ${extra[*]}"
	phase=$(date +%s.%N)
	set +e
	"$scratch/bin/teardown" -json "$@" "${extra[@]}" "${pkgs[@]}" >"$scratch/teardown.json" 2>"$scratch/teardown.stderr"
	rc=$?
	set -e
	lap "teardown -json"
	if [ ! -s "$scratch/teardown.json" ]; then
		echo "run.sh: teardown printed no JSON (exit $rc):" >&2
		cat "$scratch/teardown.stderr" >&2
		return 1
	fi
	if grep -q 'internal error' "$scratch/teardown.stderr" "$scratch/teardown.json"; then
		echo "run.sh: INTERNAL ERROR in teardown, see $errs and $scratch/teardown.stderr" >&2
	fi
	# 5. Normalize, deduplicate and sort.
	echo "findings per rule:"
	"$scratch/bin/normalize" findings \
		-mods "$scratch/mods.txt" -json "$scratch/teardown.json" -errors "$errs" 2>&1 >"$file.tmp"
	mv "$file.tmp" "$file"
	lap "normalize"
	echo "wrote $file"
}

selected=default
[ $tests = 1 ] && selected=tests
[ $framed = 1 ] && selected=framed
[ $tests = 1 ] && [ $framed = 1 ] && selected=tests-framed
if [ $all = 1 ]; then
	torun=("${allconfigs[@]}")
else
	torun=("$selected")
fi
for c in "${torun[@]}"; do
	f=$outdir/$(config_file "$c")
	[ -n "$out" ] && f=$out
	# shellcheck disable=SC2046 # the flags are words
	run_config "$c" "$f" $(config_flags "$c")
done
phase=$start
lap "wall time"

# 6. The baseline guard: the same findings, packages and errors as the
# checked-in ones, and a verdict for every finding.
if [ $checkmode = 1 ]; then
	status=0
	errfile=errors.txt
	[ "$selected" != default ] && errfile=errors-$selected.txt
	for f in "$(config_file "$selected")" packages.txt "$errfile"; do
		if [ ! -f "$evaldir/$f" ]; then
			echo "run.sh -check: testdata/eval/$f is missing" >&2
			status=1
			continue
		fi
		if ! diff -u --label "testdata/eval/$f (baseline)" --label "$f (this run)" "$evaldir/$f" "$outdir/$f"; then
			echo "run.sh -check: $f differs from testdata/eval/$f (above: - baseline, + this run)" >&2
			status=1
		fi
	done
	triage -subset -findings "$selected=$outdir/$(config_file "$selected")" || status=1
	if [ $status != 0 ]; then
		cat >&2 <<EOF
run.sh -check: FAILED. The findings changed, or some lack a verdict. Review each
new finding, give it a verdict line in testdata/eval/triage.tsv (move the line of
a finding that is gone to testdata/eval/triage-gone.tsv), then update the
baseline: scripts/eval/run.sh -all -report (see docs/evaluation.md).
EOF
		exit 1
	fi
	echo "run.sh -check: ok, the findings are the baseline's ($(wc -l <"$evaldir/$(config_file "$selected")") findings, all triaged)"
	exit 0
fi

# 7. Which findings still need a verdict? With all four configurations at
# hand, verdicts without a finding are stale.
if [ -n "$out" ]; then
	# Written elsewhere: only missing verdicts count.
	triage -subset -findings "$selected=$out"
	[ $report = 1 ] && echo "run.sh: -report ignored with -o" >&2
	exit 0
fi
mapfile -t args < <(report_args 2>/dev/null || true)
if [ ${#args[@]} != 8 ]; then
	triage -subset -findings "$selected=$outdir/$(config_file "$selected")"
	[ $report = 1 ] && { report_args >/dev/null; exit 1; }
	exit 0
fi
doc=()
[ $report = 1 ] && doc=(-doc "$repo/docs/evaluation.md" -packages "$evaldir/packages.txt")
if triage "${args[@]}" "${doc[@]}"; then
	[ $report = 1 ] && echo "rewrote the generated sections of docs/evaluation.md"
	exit 0
fi
[ $report = 1 ] && echo "run.sh: docs/evaluation.md was not updated" >&2
exit 1
