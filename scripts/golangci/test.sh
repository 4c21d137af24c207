#!/usr/bin/env bash
# scripts/golangci/test.sh: end-to-end test of the teardown golangci-lint
# module plugin, with a custom golangci-lint built by build.sh:
#
#	scripts/golangci/test.sh
#
# It reuses the binary build.sh made from the same sources (the hash in its
# name), else builds it; then it runs it on a copy of testdata/golangci (a
# module of its own) with a v2 .golangci.yml and checks:
#
#  1. the expected teardown findings, exactly (file:line and message
#     prefix), and nothing else; the exit code is 1;
#  2. //nolint:teardown and //teardown:ignore RULE reason suppress: the two
#     suppressed findings appear once the comments are neutralised (and
#     //nolint:RULE does not suppress: golangci-lint knows only "teardown");
#  3. plugin settings change the verdict: unreadclose framed: true adds
#     client.go:18, connflow tests: true adds conn_test.go:9, and
#     disable: [lingerblock] removes that rule's finding;
#  4. bad settings stop golangci-lint with exit 3 and say why;
#  5. --fix applies the suggested fixes (the files with fixable findings
#     change as expected, the others do not, the module still builds), and
#     a re-run reports nothing on the fixed lines, except the writeclose
#     finding that unflushedclose's Flush exposes, which a second --fix
#     fixes.
#  6. golangci-lint's defaults hide findings: with errcheck enabled and no
#     issues settings, teardown findings that share a line with an errcheck
#     finding are dropped (uniq-by-line) or capped (max-same-issues); with
#     the settings docs/integrations.md shows, all of them are printed;
#  7. the fixes satisfy errcheck: after the two --fix runs, errcheck
#     reports no function the original code did not already leave
#     unchecked (the inserted CloseWrite, SetReadDeadline, io.Copy and
#     Flush discard their errors explicitly).
#
#  0. (first) the .custom-gcl.yml route: scripts/golangci/custom.sh runs
#     `golangci-lint custom` (with the binary above) on a .custom-gcl.yml
#     whose plugin has `path:` this checkout, cloning golangci-lint from a
#     local git repository made from its module zip (no github.com); the
#     binary it builds must verify the configuration and report exactly
#     the findings of check 1;
#
# Environment: TEARDOWN_GCL_BIN (use this binary, build nothing),
# TEARDOWN_GCL_REBUILD=1 (build even if a binary for these sources exists),
# GCL_VERSION, TEARDOWN_GCL_CACHE (see build.sh). Exit 0 when every check
# passes, 1 at the first failure, with a line starting "test.sh: FAIL:".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"
start=$SECONDS

gcl_setup_go
if [ -n "${TEARDOWN_GCL_BIN:-}" ]; then
	bin=$TEARDOWN_GCL_BIN
	[ -x "$bin" ] || die "TEARDOWN_GCL_BIN=$bin is not an executable"
	echo "test.sh: using $bin (TEARDOWN_GCL_BIN)"
else
	bin=$(gcl_default_binary "$(gcl_source_hash)")
	if [ -x "$bin" ] && [ -z "${TEARDOWN_GCL_REBUILD:-}" ]; then
		echo "test.sh: reusing $bin (built from the same sources)"
	else
		"$here/build.sh" -o "$bin" || die "build.sh failed"
	fi
fi
"$bin" version

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-gcl-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Our own golangci-lint cache: nothing replayed from earlier runs.
export GOLANGCI_LINT_CACHE=$work/lint-cache

# config NAME SETTINGS-YAML [LINTERS [ISSUES-YAML]]: writes $work/NAME.yml, a
# v2 configuration that enables LINTERS (a YAML flow list; default
# [teardown]), with SETTINGS-YAML (indented by the caller) as
# linters.settings.custom.teardown.settings and ISSUES-YAML as its issues
# section (default: the settings that keep every finding visible, which
# docs/integrations.md shows; "none" for golangci-lint's defaults).
visible="issues:
  max-issues-per-linter: 0
  max-same-issues: 0
  uniq-by-line: false"
config() {
	local issues=${4:-$visible}
	[ "$issues" = none ] && issues=""
	cat >"$work/$1.yml" <<EOF
version: "2"
linters:
  default: none
  enable: ${3:-[teardown]}
  settings:
    custom:
      teardown:
        type: module
        description: "teardown: TCP connection-teardown bugs (RST instead of FIN, lost data, SO_LINGER)"
        original-url: https://github.com/teardownlint/teardown
        settings:
$2
$issues
output:
  formats:
    text:
      path: stdout
      print-issued-lines: false
      colors: false
  show-stats: false
EOF
}
config base "          unreadclose:
            framed: false"
config framed "          unreadclose:
            framed: true"
config disable "          disable: [lingerblock]"
config tests "          connflow:
            tests: true"
config unknownkey "          unreadclose:
            framd: true"
config unknownrule "          disable: [lingerblok]"

# fresh DIR: a pristine copy of testdata/golangci.
fresh() {
	rm -rf "$1"
	cp -r "$repo/testdata/golangci" "$1"
}

# lint NAME DIR [ARGS...]: runs the binary in DIR with config NAME (up to
# its first dot) as DIR/.golangci.yml, found as a user's would be; the
# output is in $work/NAME.out, the exit code in $rc. golangci-lint's own
# warnings and errors fail the test unless the caller expects them
# (allow_log=1).
lint() {
	local name=$1 dir=$2
	shift 2
	cp "$work/${name%%.*}.yml" "$dir/.golangci.yml"
	local t0=$SECONDS
	rc=0
	(cd "$dir" && "$bin" run "$@" ./...) >"$work/$name.out" 2>&1 || rc=$?
	echo "--- golangci-lint run${*:+ $*} (config $name): exit $rc, $((SECONDS - t0)) s"
	sed 's/^/    /' "$work/$name.out"
	if [ -z "${allow_log:-}" ] && grep -q 'level=\(warning\|error\)' "$work/$name.out"; then
		die "run $name: golangci-lint logged a warning or an error (above)"
	fi
}

# findings NAME: the findings of $work/NAME.out as "file:line<TAB>message"
# (the linter-name suffix " (teardown)" removed), sorted.
findings() {
	sed -n 's/^\([^ :]*\.go\):\([0-9]*\):[0-9]*: \(.*\) (teardown)$/\1:\2\t\3/p' "$work/$1.out" | LC_ALL=C sort
}

# expect NAME EXIT SPEC...: the findings of run NAME are exactly SPEC, each
# "file:line<TAB>message prefix", and golangci-lint exited with EXIT.
expect() {
	local name=$1 want_rc=$2
	shift 2
	[ "$rc" = "$want_rc" ] || die "run $name: golangci-lint exited $rc, want $want_rc (output above)"
	local got spec loc prefix line
	got=$(findings "$name")
	for spec in "$@"; do
		loc=${spec%%$'\t'*}
		prefix=${spec#*$'\t'}
		line=$(grep -F "$loc"$'\t' <<<"$got" || true)
		[ -n "$line" ] || die "run $name: no finding at $loc (want \"$prefix...\"); got:"$'\n'"$got"
		[ "$(wc -l <<<"$line")" = 1 ] || die "run $name: more than one finding at $loc:"$'\n'"$line"
		case ${line#*$'\t'} in
		"$prefix"*) ;;
		*) die "run $name: the finding at $loc is \"${line#*$'\t'}\", want the prefix \"$prefix\"" ;;
		esac
	done
	local n
	n=$(grep -c . <<<"$got" || true)
	[ "$n" = $# ] || die "run $name: $n findings, want exactly $#:"$'\n'"$got"
	echo "ok: run $name: exit $rc, exactly the $# expected findings"
}

T=$'\t'
wc_msg="writeclose: conn is closed after a write (line 9) without CloseWrite and a drain"
uf_msg="unflushedclose: conn is closed while a buffered write (line 14) is unflushed"
lz_msg="lingerzero: SetLinger(0) makes Close an abort"
lb_msg="lingerblock: SetLinger(5) makes Close block for up to 5 s"
st_msg="directives: this //teardown:ignore directive suppresses no writeclose finding; remove it"
urc_msg="unreadclose: conn is closed after a read (line 17) that stopped before EOF"
base=(
	"server.go:8${T}$wc_msg"
	"buffered.go:16${T}$uf_msg"
	"linger.go:7${T}$lz_msg"
	"linger.go:13${T}$lb_msg"
	"stale.go:8${T}$st_msg"
)

echo
echo "=== golangci-lint config verify and linters"
"$bin" config verify --config "$work/base.yml" || die "config verify rejects the documented configuration"
(cd "$repo/testdata/golangci" && "$bin" linters --config "$work/base.yml") >"$work/linters.out" 2>&1 || true
grep -qi '^teardown' "$work/linters.out" || die "'golangci-lint linters' does not list teardown:"$'\n'"$(cat "$work/linters.out")"
echo "ok: the configuration verifies; linters lists: $(grep -i '^teardown' "$work/linters.out")"

echo
echo "=== 0. the .custom-gcl.yml route: golangci-lint custom with path: this checkout, offline (custom.sh)"
# custom.sh runs `golangci-lint custom` with the binary above; its result
# is kept next to it (same source hash) unless TEARDOWN_GCL_BIN was given.
if [ -n "${TEARDOWN_GCL_BIN:-}" ]; then
	custom=$work/custom-gcl
else
	custom=$bin-custom
fi
if [ -x "$custom" ] && [ -z "${TEARDOWN_GCL_REBUILD:-}" ]; then
	echo "test.sh: reusing $custom (built by custom.sh from the same sources)"
else
	"$here/custom.sh" -gcl "$bin" -o "$custom" || die "custom.sh (golangci-lint custom with .custom-gcl.yml) failed"
fi
"$custom" config verify --config "$work/base.yml" || die "the custom-gcl binary rejects the documented configuration"
fresh "$work/custom"
build_bin=$bin
bin=$custom
lint base.custom "$work/custom"
expect base.custom 1 "${base[@]}"
bin=$build_bin
echo "ok: golangci-lint custom (.custom-gcl.yml, path: $repo) built a binary that reports exactly the expected findings"

echo
echo "=== 1. the expected findings (default settings)"
fresh "$work/mod"
lint base "$work/mod"
expect base 1 "${base[@]}"

echo
echo "=== 2. suppression: //nolint:teardown and //teardown:ignore"
# The same module with //nolint:teardown turned into //nolint:unflushedclose
# (golangci-lint matches the linter name, teardown, not a rule name) and the
# directive into a plain comment, line numbers kept: the two findings they
# suppressed must appear.
fresh "$work/unsuppressed"
sed -i 's|//nolint:teardown //|//nolint:unflushedclose //|; s|//teardown:ignore unflushedclose|// (directive removed)|' "$work/unsuppressed/suppressed.go"
grep -q 'nolint:teardown\|teardown:ignore' "$work/unsuppressed/suppressed.go" && die "could not neutralise the suppressions"
allow_log=1 lint base.unsuppressed "$work/unsuppressed"
grep -q 'Found unknown linters in //nolint directives: unflushedclose' "$work/base.unsuppressed.out" ||
	die "golangci-lint did not warn that //nolint:unflushedclose names no linter"
expect base.unsuppressed 1 "${base[@]}" \
	"suppressed.go:13${T}unflushedclose: conn is closed while a buffered write (line 12) is unflushed" \
	"suppressed.go:22${T}unflushedclose: conn is closed while a buffered write (line 20) is unflushed"
echo "ok: //nolint:teardown suppressed suppressed.go:13 (//nolint:unflushedclose does not) and //teardown:ignore unflushedclose suppressed suppressed.go:22"

echo
echo "=== 3. settings change the verdict"
lint framed "$work/mod"
expect framed 1 "${base[@]}" "client.go:18${T}$urc_msg"
echo "ok: unreadclose framed: true reports client.go:18, which the default does not"
lint disable "$work/mod"
expect disable 1 "server.go:8${T}$wc_msg" "buffered.go:16${T}$uf_msg" "linger.go:7${T}$lz_msg" "stale.go:8${T}$st_msg"
echo "ok: disable: [lingerblock] removes linger.go:13 and nothing else"
lint tests "$work/mod"
expect tests 1 "${base[@]}" "conn_test.go:9${T}writeclose: conn is closed after a write (line 10) without CloseWrite and a drain"
echo "ok: connflow tests: true reports conn_test.go:9, which the default does not"

echo
echo "=== 4. bad settings are errors"
allow_log=1
lint unknownkey "$work/mod"
[ "$rc" = 3 ] || die "an unknown setting: exit $rc, want 3"
grep -q 'plugin(teardown).*unknown field "framd"' "$work/unknownkey.out" || die "an unknown setting: no 'unknown field \"framd\"' error"
lint unknownrule "$work/mod"
[ "$rc" = 3 ] || die "an unknown rule in disable: exit $rc, want 3"
grep -q 'disable: unknown analyzer "lingerblok"' "$work/unknownrule.out" || die "an unknown rule in disable: no error naming it"
allow_log=
echo "ok: an unknown key and an unknown rule stop golangci-lint with exit 3"

echo
echo "=== 5. --fix"
fresh "$work/fix"
lint base.fix "$work/fix" --fix
for f in buffered.go server.go linger.go; do
	cmp -s "$repo/testdata/golangci/$f" "$work/fix/$f" && die "--fix left $f unchanged"
	echo "$f after --fix:"
	diff -u "$repo/testdata/golangci/$f" "$work/fix/$f" | tail -n +3 | sed 's/^/    /' || true
done
for f in client.go conn_test.go doc.go stale.go suppressed.go; do
	cmp -s "$repo/testdata/golangci/$f" "$work/fix/$f" || die "--fix changed $f, which has no fixable finding"
done
[ "$(sed -n 16p "$work/fix/buffered.go" | tr -d '\t ')" = "_=w.Flush()" ] || die "--fix did not insert _ = w.Flush() at buffered.go:16"
[ "$(sed -n 17p "$work/fix/buffered.go" | tr -d '\t ')" = "c.Close()" ] || die "--fix: buffered.go:17 is not the Close"
grep -q 'cw.CloseWrite()' "$work/fix/server.go" || die "--fix did not add a CloseWrite to server.go"
grep -q 'io.Copy(io.Discard, io.LimitReader(c, 256<<10))' "$work/fix/server.go" || die "--fix did not add the bounded drain to server.go"
grep -q 'SetLinger' "$work/fix/linger.go" && die "--fix left a SetLinger call in linger.go"
(cd "$work/fix" && go build ./... && [ -z "$(gofmt -l .)" ]) || die "the fixed module does not build or is not gofmt-ed"
echo "ok: --fix applied the fixes of writeclose, unflushedclose, lingerzero and lingerblock; the module builds and is gofmt-ed"
echo "    (golangci-lint --fix prints only what it could not fix: stale.go:8)"
lint base.refix "$work/fix"
# The Flush that unflushedclose's fix inserted is a write on the conn, and
# the Close after it has no CloseWrite and drain: writeclose now reports it
# (teardown -fix does the same). The fixes converge in a second pass.
expect base.refix 1 "buffered.go:17${T}writeclose: conn is closed after a write (line 16) without CloseWrite and a drain" "stale.go:8${T}$st_msg"
echo "ok: a re-run after --fix reports nothing in server.go or linger.go, and no unflushedclose finding;"
echo "    buffered.go:17 is now writeclose's (the inserted Flush is a write), fixed by a second --fix:"
lint base.fix2 "$work/fix" --fix
lint base.refix2 "$work/fix"
expect base.refix2 1 "stale.go:8${T}$st_msg"
grep -q 'cw.CloseWrite()' "$work/fix/buffered.go" || die "the second --fix did not add a CloseWrite to buffered.go"
(cd "$work/fix" && go build ./... && [ -z "$(gofmt -l .)" ]) || die "the twice-fixed module does not build or is not gofmt-ed"
echo "ok: after a second --fix only stale.go:8 (a directive, no fix) is left; the module builds"

echo
echo "=== 6. golangci-lint's defaults hide findings; the documented issues settings keep them"
config defaults "" "[teardown, errcheck]" none
config visible "" "[teardown, errcheck]"
lint defaults "$work/mod"
shown=$(findings defaults | grep -c . || true)
[ "$shown" -lt ${#base[@]} ] || die "with golangci-lint's defaults all ${#base[@]} teardown findings were shown: the documented warning is stale"
lint visible "$work/mod"
expect visible 1 "${base[@]}"
echo "ok: with errcheck and golangci-lint's default issues settings $shown of ${#base[@]} teardown findings are shown; with max-issues-per-linter: 0, max-same-issues: 0, uniq-by-line: false all ${#base[@]}"

echo
echo "=== 7. the fixes satisfy errcheck"
config errcheck "" "[errcheck]"
# unchecked NAME: the functions errcheck reports in run NAME, sorted, unique.
unchecked() {
	sed -n 's/.*Error return value of `\(.*\)` is not checked (errcheck)$/\1/p' "$work/$1.out" | LC_ALL=C sort -u
}
lint errcheck.before "$work/mod"
lint errcheck.after "$work/fix"
[ -n "$(unchecked errcheck.before)" ] || die "errcheck reported nothing on testdata/golangci: the comparison would prove nothing"
new=$(LC_ALL=C comm -13 <(unchecked errcheck.before) <(unchecked errcheck.after))
[ -z "$new" ] || die "after --fix errcheck reports calls the original code did not leave unchecked: $new"
echo "ok: after --fix errcheck reports only what the original code left unchecked: $(unchecked errcheck.after | tr '\n' ' ')"

echo
echo "test.sh: ok: all checks passed in $((SECONDS - start)) s"
