#!/usr/bin/env bash
# run.sh: measure teardown on real network code.
#
# Builds cmd/teardown, makes scratch modules outside the repository (one
# per group of scripts/eval/modules.txt) that require every module of the
# group at its pinned version, runs `teardown -json` over every package of
# those modules (one run per group), and writes
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
#                  (every module; the other three only analyze the
#                  modules whose configs column in modules.txt is "all")
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
#   -keep        reuse the scratch modules' go.mod/go.sum (skip `go get`)
#   -setup       only build teardown and make the scratch modules, with
#                each group's package list in GROUPDIR/pkgs.txt (for
#                scripts/eval/truth.sh); writes nothing into the repository
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
export TEARDOWN_CACHE=off # every run analyzes (the result cache would replay an unchanged run)
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
setup=0
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
	-setup) setup=1; shift ;;
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
	triage "${args[@]}" -doc "$repo/docs/evaluation.md" -packages "$evaldir/packages.txt" -modules "$repo/scripts/eval/modules.txt" || { echo "run.sh: docs/evaluation.md was not updated" >&2; exit 1; }
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

# 2. One scratch module per group (modules.txt), each requiring every
# pinned module of its group, so that conflicting requirements stay apart.
groups=()
declare -A gpins=() # group -> "m@v ..."
mods=()
pins=()
modconfigs=() # "all" or "default", parallel to mods
modgroups=()
while read -r m v g c _; do
	case $m in '' | \#*) continue ;; esac
	g=${g:-a} c=${c:-all}
	case $c in all | default) ;; *) echo "run.sh: modules.txt: $m: configs must be all or default, not $c" >&2; exit 2 ;; esac
	mods+=("$m")
	pins+=("$m@$v")
	modconfigs+=("$c")
	modgroups+=("$g")
	if [ -z "${gpins[$g]+x}" ]; then
		groups+=("$g")
		gpins[$g]=
	fi
	gpins[$g]+=" $m@$v"
done <"$repo/scripts/eval/modules.txt"
: >"$scratch/mods.txt"
bad=0
for g in "${groups[@]}"; do
	gdir=$scratch/group-$g
	mkdir -p "$gdir"
	# shellcheck disable=SC2086 # the pins are words
	set -- ${gpins[$g]}
	if [ $keep = 0 ] || [ ! -f "$gdir/go.mod" ]; then
		rm -f "$gdir/go.mod" "$gdir/go.sum"
		printf 'module teardown-eval\n\ngo 1.26.0\n' >"$gdir/go.mod"
		(cd "$gdir" && go get "$@" 2>"$gdir/get.log") || { cat "$gdir/get.log" >&2; exit 1; }
		(cd "$gdir" && go mod download all)
	fi
	(cd "$gdir" && go list -m -f '{{.Path}} {{.Version}} {{.Dir}}' all) >"$gdir/mods.txt"
	cat "$gdir/mods.txt" >>"$scratch/mods.txt"
	# Minimal version selection must not have moved a pin (another module
	# requiring a newer version would): the triage is of the pinned code.
	for p in "$@"; do
		m=${p%@*} v=${p##*@}
		got=$(awk -v m="$m" '$1 == m { print $2 }' "$gdir/mods.txt")
		if [ "$got" != "$v" ]; then
			echo "run.sh: $m is at ${got:-nothing} in group $g, not the pinned $v" >&2
			bad=1
		fi
	done
done
[ $bad = 0 ] || exit 1
lap "scratch modules + download"

# Where this run writes: testdata/eval, or a temporary directory (-check).
outdir=$evaldir
if [ $setup = 1 ]; then
	outdir=$scratch
elif [ $checkmode = 1 ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/teardown-check.XXXXXX")
	trap 'rm -rf "$outdir"' EXIT
elif [ -n "$out" ]; then
	outdir=$(dirname "$out")
fi
mkdir -p "$outdir"

# 3. The packages of each module (only those of the module itself: a
# pattern like M/... also matches nested modules), with load errors.
: >"$scratch/packages.tmp"
for g in "${groups[@]}"; do
	patterns=()
	for i in "${!mods[@]}"; do
		[ "${modgroups[$i]}" = "$g" ] && patterns+=("${mods[$i]}/...")
	done
	(cd "$scratch/group-$g" && go list -e -json=ImportPath,Module,Error,DepsErrors "${patterns[@]}" 2>"$scratch/group-$g/list.log") |
		"$scratch/bin/normalize" packages -pins "${pins[*]}" >>"$scratch/packages.tmp"
done
LC_ALL=C sort "$scratch/packages.tmp" >"$outdir/packages.txt"
rm -f "$scratch/packages.tmp"
npkgs=$(wc -l <"$outdir/packages.txt")
nfail=$(grep -c $'\tload error: ' "$outdir/packages.txt" || true)
echo "  $npkgs packages in ${#mods[@]} modules (${#groups[@]} groups), $nfail failed to load (see $outdir/packages.txt)"
lap "list packages"

# group_pkgs GROUP CONFIG: the packages of GROUP's modules that CONFIG
# analyzes, one a line.
group_pkgs() {
	local i
	for i in "${!mods[@]}"; do
		[ "${modgroups[$i]}" = "$1" ] || continue
		[ "$2" = default ] || [ "${modconfigs[$i]}" = all ] || continue
		awk -F'\t' -v mv="${pins[$i]}" '$1 == mv { print $2 }' "$outdir/packages.txt"
	done
}

if [ $setup = 1 ]; then
	for g in "${groups[@]}"; do group_pkgs "$g" default >"$scratch/group-$g/pkgs.txt"; done
	echo "run.sh -setup: scratch modules ready in $scratch/group-*"
	exit 0
fi

# 4. teardown over all of them in one run per configuration and group:
# the standard library and the shared dependencies are analyzed once per
# group. -json exits 0 with findings.
# run_config NAME FILE FLAGS...: analyze, normalize, write FILE.
run_config() {
	local name=$1 file=$2 errs rc g pkgs
	shift 2
	case $name in
	default) errs=$outdir/errors.txt ;;
	*) errs=$outdir/errors-$name.txt ;;
	esac
	: >"$scratch/teardown.json"
	for g in "${groups[@]}"; do
		mapfile -t pkgs < <(group_pkgs "$g" "$name")
		[ ${#pkgs[@]} -gt 0 ] || continue
		echo "configuration $name, group $g (${#pkgs[@]} packages): teardown -json $* ${extra[*]}"
		phase=$(date +%s.%N)
		set +e
		# -engine=load: the packages in one process, as the baseline was
		# measured; go vet (-engine=vet) would also build and vet their tests.
		(cd "$scratch/group-$g" && "$scratch/bin/teardown" -json -engine=load "$@" "${extra[@]}" "${pkgs[@]}") >"$scratch/teardown-$g.json" 2>"$scratch/teardown-$g.stderr"
		rc=$?
		set -e
		lap "teardown -json"
		if [ ! -s "$scratch/teardown-$g.json" ]; then
			echo "run.sh: teardown printed no JSON (exit $rc):" >&2
			cat "$scratch/teardown-$g.stderr" >&2
			return 1
		fi
		if grep -q 'internal error' "$scratch/teardown-$g.stderr" "$scratch/teardown-$g.json"; then
			echo "run.sh: INTERNAL ERROR in teardown, see $errs and $scratch/teardown-$g.stderr" >&2
		fi
		cat "$scratch/teardown-$g.json" >>"$scratch/teardown.json"
	done
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
[ $report = 1 ] && doc=(-doc "$repo/docs/evaluation.md" -packages "$evaldir/packages.txt" -modules "$repo/scripts/eval/modules.txt")
if triage "${args[@]}" "${doc[@]}"; then
	[ $report = 1 ] && echo "rewrote the generated sections of docs/evaluation.md"
	exit 0
fi
[ $report = 1 ] && echo "run.sh: docs/evaluation.md was not updated" >&2
exit 1
