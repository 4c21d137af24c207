#!/usr/bin/env bash
# scripts/std.sh: run the standalone teardown driver over every package of
# the standard library (tests included), as a smoke test of the model on
# real code at scale.
#
# It fails when teardown panics or reports an error: the exit status must
# be 0 (no findings) or 3 (findings), and every line on stderr must be a
# finding (file:line:col: message). It then prints the findings per rule,
# the wall time and the peak RSS.
#
# The findings per rule come from a second run with -json (the text output
# does not name the rule); the two runs must agree on the number of
# findings.
#
# It runs the load engine (-engine=load, in-process) by default: on a
# clean machine the vet engine would first fill go vet's cache for all of
# std (620 s on the shared 2-core machine, against about 10 s for the
# load engine, measured on driver-land), which measures the cache, not
# the model. The engines agree
# (cmd/teardown TestEnginesAgree).
#
# Usage: scripts/std.sh            (from anywhere; uses the repo's toolchain)
# Env:   STD_KEEP=dir              keep the outputs in dir
#        STD_ENGINE=vet|auto|load  the driver's engine (default load)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# The toolchain of go.mod's toolchain line (GOTOOLCHAIN=auto fetches it);
# then pin it, and put it first on PATH, so that the go list run by the
# driver reads the std of the toolchain that built the driver
# (docs/usage.md: a driver built with an older Go fails on a newer std).
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
goroot=$(go env GOROOT)
export PATH="$goroot/bin:$PATH" GOTOOLCHAIN=local TEARDOWN_CACHE=off # timed: every run analyzes
echo "std.sh: $(go version), std of $goroot"

engine=${STD_ENGINE:-load}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${STD_KEEP:-$work}
mkdir -p "$out"

fail() {
	echo "std.sh: FAIL: $*" >&2
	exit 1
}

go build -o "$work/teardown" ./cmd/teardown

# Peak RSS needs GNU time. Install it if we can (package "time").
timecmd=()
if ! /usr/bin/time -v true >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "std.sh: installing GNU time (apt-get install time)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -q time >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q time >/dev/null 2>&1; } ||
			echo "std.sh: note: apt-get install time failed"
	fi
fi
if /usr/bin/time -v true >/dev/null 2>&1; then
	timecmd=(/usr/bin/time -v -o "$out/time.txt")
else
	echo "std.sh: note: no GNU /usr/bin/time (and not root with apt-get): no peak RSS"
fi

now() { date +%s%N; }

# Run 1: the text driver, the gate.
start=$(now)
set +e
"${timecmd[@]}" "$work/teardown" -engine="$engine" std >"$out/text.stdout" 2>"$out/text.stderr"
status=$?
set -e
wall_ms=$((($(now) - start) / 1000000))

case $status in
0 | 3) ;;
*)
	head -n 50 "$out/text.stderr" >&2
	fail "teardown std exited $status (want 0 or 3)"
	;;
esac
if grep -En '^panic: |^goroutine [0-9]+ \[|internal error|analysis failed|failed prerequisites' "$out/text.stderr" >&2; then
	fail "teardown std reported a panic or an analysis error"
fi
if grep -Evn '^[^ ]+\.go:[0-9]+:[0-9]+: ' "$out/text.stderr" | head -n 50 >"$work/other"; [ -s "$work/other" ]; then
	cat "$work/other" >&2
	fail "teardown std printed lines on stderr that are not findings"
fi
if [ -s "$out/text.stdout" ]; then
	head -n 20 "$out/text.stdout" >&2
	fail "teardown std printed on stdout"
fi
# A finding's related positions are printed as lines "posn: \tmessage".
text_findings=$(grep -Ec $'^[^ ]+\\.go:[0-9]+:[0-9]+: [^\t]' "$out/text.stderr" || true)
if [ "$status" = 0 ] && [ "$text_findings" != 0 ]; then
	fail "exit 0 with $text_findings findings"
fi
if [ "$status" = 3 ] && [ "$text_findings" = 0 ]; then
	fail "exit 3 without findings"
fi

# Run 2: -json, for the rule of each finding.
json_start=$(now)
set +e
"$work/teardown" -engine="$engine" -json std >"$out/std.json" 2>"$out/json.stderr"
json_status=$?
set -e
json_wall_ms=$((($(now) - json_start) / 1000000))
if [ "$json_status" != 0 ] || [ -s "$out/json.stderr" ]; then
	head -n 50 "$out/json.stderr" >&2
	fail "teardown -json std exited $json_status (want 0) or printed on stderr"
fi
if grep -En '^[[:space:]]*"error": ' "$out/std.json" | head -n 20 >"$work/errors"; [ -s "$work/errors" ]; then
	cat "$work/errors" >&2
	fail "teardown -json std reported analysis errors"
fi
# One line per finding: rule, position, message. A finding is an object
# at depth 4 of the tree {package: {analyzer: [finding...]}}: its fields
# are indented by exactly four tabs (a fix's or a related position's are
# deeper). A file of a package and of its test variant (net and
# net [net.test]) is reported once, as in the text output.
awk '
	/^\t\t"[^"]*": \[/      { rule = $0; sub(/^\t\t"/, "", rule); sub(/".*/, "", rule) }
	/^\t\t\t\t"posn": /    { posn = $0 }
	/^\t\t\t\t"message": / { print rule "\t" posn "\t" $0 }
' "$out/std.json" | sort -u >"$out/findings.tsv"
json_findings=$(grep -c . "$out/findings.tsv" || true)
if [ "$json_findings" != "$text_findings" ]; then
	fail "the text run found $text_findings findings, the -json run $json_findings"
fi

echo
echo "teardown std: exit $status, $text_findings findings"
printf '  %-14s %s\n' analyzer findings
# Every analyzer the driver runs (the rules, directives, connflow's budget
# notes), from the flags that enable them.
names=$("$work/teardown" -flags | sed -n 's/.*"Usage": "enable \\"\([^\\"]*\)\\" analysis".*/\1/p' | tr '\n' ' ')
[ -n "$names" ] || fail "teardown -flags lists no analyzers"
for r in $names; do
	printf '  %-14s %d\n' "$r" "$(awk -F '\t' -v r="$r" '$1 == r' "$out/findings.tsv" | grep -c . || true)"
done
awk -F '\t' '{ print $1 }' "$out/findings.tsv" | sort | uniq -c | while read -r n r; do
	case " $names " in
	*" $r "*) ;;
	*) printf '  %-14s %d (not an analyzer of teardown -flags)\n' "$r" "$n" ;;
	esac
done
echo "wall time: $((wall_ms / 1000)).$(printf '%03d' $((wall_ms % 1000))) s (text run); $((json_wall_ms / 1000)).$(printf '%03d' $((json_wall_ms % 1000))) s (-json run)"
if [ -s "$out/time.txt" ]; then
	rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/time.txt")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$out/time.txt")
	echo "peak RSS: $((rss_kb / 1024)) MiB; CPU: $cpu s (text run, /usr/bin/time -v)"
else
	echo "peak RSS: not measured (no GNU time)"
fi
echo "cores: $(nproc 2>/dev/null || echo '?'), load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
