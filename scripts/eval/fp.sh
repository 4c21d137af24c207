#!/usr/bin/env bash
# fp.sh: run teardown on the false-positive reproductions in
# testdata/eval/fp (one package per FP class of docs/evaluation.md) and
# report, for every "// FP <rule>" marker, whether the finding is still
# reported, and for every "// OK <rule>" marker, whether it still is.
#
# Usage: scripts/eval/fp.sh [-rev REV]   (REV as in run.sh; default: the work tree)
# Exit status: 0 when every OK finding is reported, 1 otherwise (a fix that
# also removed a correct finding). Still-reported FPs do not fail the run.
set -euo pipefail
export GOTOOLCHAIN=auto GOWORK=off
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rev=
case "${1:-}" in
-rev) rev=$2 ;;
"") ;;
*) echo "usage: fp.sh [-rev REV]" >&2; exit 2 ;;
esac
scratch=${TEARDOWN_EVAL_DIR:-${TMPDIR:-/tmp}/teardown-eval}
mkdir -p "$scratch/bin"
src=$repo
if [ -n "$rev" ]; then
	src=$scratch/src
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$repo" archive --format=tar "$(git -C "$repo" rev-parse --verify "$rev^{commit}")" | tar -x -C "$src"
fi
(cd "$src" && go build -o "$scratch/bin/teardown" ./cmd/teardown)
(cd "$repo/scripts/eval" && go build -o "$scratch/bin/normalize" normalize.go)

fp=$repo/testdata/eval/fp
cd "$fp"
go mod download
"$scratch/bin/teardown" -json ./... >"$scratch/fp.json" 2>"$scratch/fp.stderr" || true
echo "fp local $fp" >"$scratch/fp-mods.txt"
"$scratch/bin/normalize" findings -mods "$scratch/fp-mods.txt" -json "$scratch/fp.json" \
	-errors "$scratch/fp-errors.txt" 2>/dev/null >"$scratch/fp-findings.txt"
if [ -s "$scratch/fp-errors.txt" ]; then
	echo "fp.sh: analyzer errors:" >&2
	cat "$scratch/fp-errors.txt" >&2
fi

status=0
fixed=0
still=0
marked=$(mktemp)
trap 'rm -f "$marked"' EXIT
while IFS=: read -r file line text; do
	file=${file#./}
	kind=$(sed -nE 's@.*// (FP|OK) ([a-z]+).*@\1@p' <<<"$text")
	rule=$(sed -nE 's@.*// (FP|OK) ([a-z]+).*@\2@p' <<<"$text")
	printf '%s\t%s:%s\n' "$rule" "$file" "$line" >>"$marked"
	if grep -q "^$rule	fp@local	$file:$line	" "$scratch/fp-findings.txt"; then
		got=reported
	else
		got="not reported"
	fi
	case $kind/$got in
	FP/reported) still=$((still + 1)); note="still reported (FP)" ;;
	FP/*) fixed=$((fixed + 1)); note="fixed" ;;
	OK/reported) note="reported (correct)" ;;
	OK/*) status=1; note="MISSING: a correct finding is no longer reported" ;;
	esac
	printf '  %-14s %-18s %s\n' "$rule" "$file:$line" "$note"
done < <(grep -rn --include='*.go' -E '// (FP|OK) [a-z]+' . | LC_ALL=C sort -t: -k1,1 -k2,2n)
# Findings on lines without a marker.
while IFS=$'\t' read -r rule _ pos _; do
	if ! grep -qx "$rule	$pos" "$marked"; then
		printf '  %-14s %-18s %s\n' "$rule" "$pos" "reported on an unmarked line"
	fi
done <"$scratch/fp-findings.txt"
echo "false positives: $fixed fixed, $still still reported"
exit $status
