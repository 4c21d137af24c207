#!/usr/bin/env bash
# truth.sh: the evaluation's truth instruments (issue 11): how many of the
# Closes of sockets in library code teardown's model judges (the judged
# fraction), and mutation recall: does the expected rule report when a
# correct teardown in real code is undone?
#
# Uses the scratch modules of scripts/eval/run.sh (one per group of
# scripts/eval/modules.txt; made with `run.sh -setup`), builds from the
# work tree (or -rev REV) the vet tool scripts/eval/truth/vettool (every
# teardown analyzer, with their defaults, plus the probe
# scripts/eval/truth/probe) and the driver scripts/eval/truth, then:
#
#  1. copies every corpus module, without its _test.go files, into a
#     scratch module per group that replaces the module by its copy, and
#     vets every package of the corpus once there with the probe (library
#     code only, as teardown's default configuration), which records the
#     model's verdict at every Close of a socket and the mutation sites;
#  2. writes testdata/eval/judged.tsv (one line per Close);
#  3. unless -nomutate: makes each mutant in the copy of its module under
#     the scratch directory (never in the module cache or the
#     repository), vets the mutant's package, restores the copy, and writes
#     testdata/eval/mutants.tsv (one line per site);
#  4. with -report: rewrites the recall and judged sections of
#     docs/evaluation.md from those two files.
#
# Usage: scripts/eval/truth.sh [-nomutate] [-report] [-reportonly] [-rev REV]
# Environment: TEARDOWN_EVAL_DIR as for run.sh.
# Deterministic: the same pins and the same teardown give the same files.
set -euo pipefail
export GOTOOLCHAIN=auto GOWORK=off
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
evaldir=$repo/testdata/eval
mutate=1
report=0
reportonly=0
rev=
while [ $# -gt 0 ]; do
	case $1 in
	-nomutate) mutate=0; shift ;;
	-report) report=1; shift ;;
	-reportonly) report=1; reportonly=1; shift ;;
	-rev) rev=$2; shift 2 ;;
	-h | -help | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "truth.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
scratch=${TEARDOWN_EVAL_DIR:-${TMPDIR:-/tmp}/teardown-eval}
case "$scratch/" in
"$repo"/*) echo "truth.sh: the scratch directory must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$scratch/bin" "$scratch/truth"
start=$SECONDS

src=$repo
if [ -n "$rev" ]; then
	src=$scratch/truth-src
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$repo" archive --format=tar "$(git -C "$repo" rev-parse --verify "$rev^{commit}")" | tar -x -C "$src"
fi
(cd "$src" && go build -o "$scratch/bin/truth" ./scripts/eval/truth && go build -o "$scratch/bin/truth-vettool" ./scripts/eval/truth/vettool)

if [ $reportonly = 1 ]; then
	"$scratch/bin/truth" report -judged "$evaldir/judged.tsv" -mutants "$evaldir/mutants.tsv" -modules "$repo/scripts/eval/modules.txt" -doc "$repo/docs/evaluation.md"
	echo "rewrote the recall and judged sections of docs/evaluation.md"
	exit 0
fi

keep=()
[ -f "$scratch/group-a/go.mod" ] && keep=(-keep)
"$repo/scripts/eval/run.sh" -setup "${keep[@]}" >/dev/null

export GOOS=linux GOARCH=amd64 CGO_ENABLED=0
# One scratch module per group, in which every corpus module is replaced
# by a fresh writable copy without its _test.go files: go vet then
# analyzes library code only (as teardown's default configuration does),
# and the mutants are made in those copies.
args=()
for gdir in "$scratch"/group-*; do
	[ -f "$gdir/pkgs.txt" ] || continue
	g=${gdir##*/group-}
	wdir=$scratch/truth/group-$g
	rm -rf "$wdir"
	mkdir -p "$wdir/mod" "$wdir/copy"
	cp "$gdir/go.mod" "$gdir/go.sum" "$wdir/mod/"
	while read -r m v mg _; do
		case $m in '' | \#*) continue ;; esac
		[ "${mg:-a}" = "$g" ] || continue
		from=$(awk -v m="$m" -v v="$v" '$1 == m && $2 == v { print $3 }' "$gdir/mods.txt")
		to=$wdir/copy/$(echo "$m@$v" | tr '/@' '__')
		cp -r "$from" "$to"
		chmod -R u+w "$to"
		find "$to" -name '*_test.go' -delete
		# A module from before modules has no go.mod; a replacement needs one.
		[ -f "$to/go.mod" ] || printf 'module %s\n' "$m" >"$to/go.mod"
		printf 'replace %s => %s\n' "$m" "$to" >>"$wdir/mod/go.mod"
	done <"$repo/scripts/eval/modules.txt"
	(cd "$wdir/mod" && GOFLAGS=-mod=mod go list -m -f '{{.Path}} {{.Version}} {{.Dir}}' all) >"$wdir/mod/mods.txt"
	# The packages left with Go files (some held nothing but tests).
	pkgs=()
	while IFS=$'\t' read -r mv p _; do
		m=${mv%@*}
		d=$wdir/copy/$(echo "$mv" | tr '/@' '__')${p#"$m"}
		[ -d "$d" ] || continue
		if compgen -G "$d/*.go" >/dev/null; then pkgs+=("$p"); fi
	done < <(awk -F'\t' 'NR == FNR { want[$1] = 1; next } ($2 in want)' "$gdir/pkgs.txt" "$scratch/packages.txt")
	t0=$SECONDS
	set +e
	(cd "$wdir/mod" && GOFLAGS=-mod=mod go vet -vettool="$scratch/bin/truth-vettool" -json -truthprobe.sites "${pkgs[@]}") \
		>"$scratch/truth/orig-$g.json" 2>"$scratch/truth/orig-$g.stderr"
	rc=$?
	set -e
	if [ $rc != 0 ]; then
		cat "$scratch/truth/orig-$g.stderr" >&2
		echo "truth.sh: go vet failed in group $g (exit $rc)" >&2
		exit 1
	fi
	echo "  probe over group $g (${#pkgs[@]} packages): $((SECONDS - t0)) s"
	args+=("$wdir/mod=$scratch/truth/orig-$g.json")
done
"$scratch/bin/truth" judged "${args[@]}" >"$evaldir/judged.tsv"
echo "wrote testdata/eval/judged.tsv ($(wc -l <"$evaldir/judged.tsv") Closes)"
if [ $mutate = 1 ]; then
	t0=$SECONDS
	GOFLAGS=-mod=mod "$scratch/bin/truth" mutate -vettool "$scratch/bin/truth-vettool" "${args[@]}" >"$evaldir/mutants.tsv.tmp"
	mv "$evaldir/mutants.tsv.tmp" "$evaldir/mutants.tsv"
	echo "wrote testdata/eval/mutants.tsv ($(wc -l <"$evaldir/mutants.tsv") sites): $((SECONDS - t0)) s"
fi
if [ $report = 1 ]; then
	"$scratch/bin/truth" report -judged "$evaldir/judged.tsv" -mutants "$evaldir/mutants.tsv" -modules "$repo/scripts/eval/modules.txt" -doc "$repo/docs/evaluation.md"
	echo "rewrote the recall and judged sections of docs/evaluation.md"
fi
echo "truth.sh: $((SECONDS - start)) s"
