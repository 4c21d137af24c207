#!/usr/bin/env bash
# scripts/bench/run.sh: how much teardown costs, against two floors and two
# peers, measured on one machine in one run (docs/performance.md).
#
# Two measurements:
#
# The cold round (the default) measures each tool's cost on a corpus
# against two floors and two peers, every run analyzing everything.
#
# The everyday loop (-loop) measures what users run again and again, each
# tool with its own cache, in four rounds per corpus:
#   first      the analysis caches empty, the code built (GOCACHE a copy of
#              a snapshot made by go build and go vet over the corpus, as
#              on a developer's machine or a CI runner with a restored
#              GOCACHE): teardown, go vet -vettool=teardown, vet-factfloor,
#              staticcheck (empty STATICCHECK_CACHE), and the in-process
#              teardown-load and factfloor for comparison
#   nochange   the same caches, after one unmeasured run of each tool: run
#              again with nothing changed (teardown replays its result
#              cache, docs/usage.md; every round starts with it empty)
#   edit       before each run, a one-line edit (a new statement `_ = N`,
#              N never the same, in a function of one file: caddy's
#              reverseproxy.go, std's net/http/server.go), so every run
#              has exactly one changed file to catch up with. One
#              unmeasured edited run of each tool comes first: the first
#              edit adds a line, which moves the positions in the file's
#              export data, so the packages that import it compile again
#              once (shared by every tool after it) and each tool vets
#              them again once; later edits change N only
#   coldbuild  GOCACHE empty: teardown (which then analyzes in one process)
#              against teardown -engine=load, the standalone driver as it
#              was before it used go vet's cache
# The std corpora of the loop run from a writable copy of GOROOT (for the
# edit) in the scratch directory.
#
# Tools (every one a whole process, as a user runs it):
#   teardown      cmd/teardown of this repository, as a user runs it
#                 (-engine=auto: through go vet's cache when it can)
#   teardown-load cmd/teardown -engine=load: every package loaded and
#                 analyzed in this one process, as the standalone driver
#                 did before it ran on go vet's cache
#   govet         go vet -vettool=teardown (loop only)
#   vet-factfloor go vet -vettool=factfloor: the fact floor of go vet's
#                 unitchecker protocol (loop only)
#   factfloor     a do-nothing analyzer with a fact type: the checker parses
#                 and type-checks every dependency from source (floors/)
#   ssafloor      a do-nothing analyzer that requires buildssa (floors/)
#   bodyclose     github.com/timakin/bodyclose, pinned (buildssa, no facts)
#   staticcheck   honnef.co/go/tools/cmd/staticcheck, pinned, with an empty
#                 STATICCHECK_CACHE for every run (its own result cache
#                 would otherwise turn every run after the first into a
#                 cache lookup)
#   ssafactfloor  (only when named in -tools) buildssa plus a fact type: SSA
#                 for every function of every dependency, what connflow's
#                 selective build avoids
#   gcl-teardown, gcl-factfloor, gcl-ssafloor, gcl-bodyclose
#                 (only when named in -tools) golangci-lint run with only
#                 that linter enabled: teardown's module plugin, the two
#                 floors as module plugins, and golangci-lint's own
#                 bodyclose. One custom golangci-lint binary holds them all
#                 (scripts/golangci/build.sh -floors), so the ratios of a
#                 gcl- tool are to the gcl- floors: the same driver. Each
#                 run starts with an empty golangci-lint cache. For std
#                 corpora golangci-lint runs in GOROOT/src.
# Corpora:
#   std     the standard library (`std`)
#   net     its network subset (`net/... net/http/... crypto/tls`)
#   caddy   github.com/caddyserver/caddy/v2/..., pinned, in a scratch copy
#           of its module
#   net1    `net` alone, and net3 `net net/http crypto/tls` (growth only)
#
# Every tool analyzes the same packages: without test files, as teardown
# does by default (it passes -test=false to the checker unless
# -connflow.tests is given), so the others get -test=false (staticcheck
# -tests=false); -tests makes every tool load and analyze test files
# (teardown with -connflow.tests). Otherwise the tools run with their
# defaults, GOOS=linux GOARCH=amd64
# CGO_ENABLED=0, from the Go toolchain of the repository's go.mod (GOROOT's
# std is what is analyzed). For each corpus the tools take turns: a
# warm-up round (not measured: it fills the go build cache), then N
# measured rounds. Each run is timed by GNU time ("%e %M": wall seconds and
# peak RSS of the process tree it waits for). The table gives medians and
# each tool's ratio to both floors. The 1-minute load average is recorded
# before and after each corpus, and a corpus measured while the load before
# it was above -maxload is flagged: on 2 cores another process's build
# shows up in the wall times (CPU seconds are given too: they are less
# sensitive to load, though not immune).
#
# Standalone checkers exit 3 when they report findings and staticcheck exits
# 1; neither is a failure. The exit codes are in the table.
#
# Usage: scripts/bench/run.sh [flags]
#   -n N          measured runs per tool and corpus (default 3)
#   -warmup W     warm-up rounds (default 1)
#   -corpora "C"  corpora, in order (default "net caddy std")
#   -tools "T"    tools of the cold round (default "teardown-load factfloor ssafloor bodyclose staticcheck")
#   -tests        include test files (default: none, as teardown's default)
#   -growth       also measure teardown-load and factfloor on net1 and net3, and
#                 print the growth table (net1, net3, net, std)
#   -maxload L    flag (and, with -wait, wait for) a 1-minute load above L (default 2.5)
#   -wait S       before each corpus, wait up to S seconds for the load to drop below -maxload (default 0)
#   -o FILE       also write the Markdown report to FILE (default: scratch/report.md)
#   -rebuild      rebuild the tools even when the scratch directory has them
#   -report       only print the report of the results already in the scratch directory
#   -loop         measure the everyday loop (the rounds above) instead of the cold round;
#                 -corpora defaults to "caddy std", -n to 3
#   -rounds "R"   with -loop: only these rounds (default "first coldbuild nochange edit");
#                 a run replaces the earlier results of the rounds, tools and
#                 corpora it measures, and keeps the others
#   -actions      measure teardown's vet tool against the fact floor's action by
#                 action instead (floors/actions): `go vet -work` of each on a
#                 fresh copy of the built snapshot, then both tools' CPU time on
#                 every package, their runs interleaved, -n runs each (whole
#                 runs vary by ±15 % here; this varies by a few percent);
#                 -corpora defaults to "caddy std"; results in
#                 scratch/actions.CORPUS.tsv
# Environment:
#   BENCH_DIR     scratch directory, outside the repository (default ${TMPDIR:-/tmp}/teardown-bench)
#   BENCH_RUNS_<tool>="W N"  per-tool override of warm-up and measured runs,
#                 e.g. BENCH_RUNS_staticcheck="0 1" (staticcheck is slow);
#                 a dash in the tool's name becomes _ (BENCH_RUNS_gcl_teardown)
#   TEARDOWN_FLAGS extra flags for teardown (e.g. -connflow.maxblocks=2000)
#   BENCH_LOOP_TOOLS tools of the loop (default "teardown govet vet-factfloor
#                 staticcheck teardown-load factfloor")
# Results accumulate in scratch/results.tsv (one line per run; the loop's
# in scratch/loop.tsv); a new run of a tool on a corpus (and round)
# replaces that pair's earlier lines.
#
# Needs the Go module proxy on the first run (peers, caddy and its
# dependencies go to the module cache and the scratch directory, never to
# the repository).
set -euo pipefail

# Pins. Change them together with docs/performance.md.
BODYCLOSE=github.com/timakin/bodyclose@v0.0.0-20260723120731-857993a2939c
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
CADDY=github.com/caddyserver/caddy/v2@v2.11.9

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=3
warmup=1
corpora="net caddy std"
tools="teardown-load factfloor ssafloor bodyclose staticcheck"
growth=0
tests=0
maxload=2.5
wait=0
out=
rebuild=0
reportonly=0
loop=0
actions=0
rounds="first coldbuild nochange edit"
corporaset=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	-warmup) warmup=$2; shift 2 ;;
	-corpora) corpora=$2; corporaset=1; shift 2 ;;
	-tools) tools=$2; shift 2 ;;
	-growth) growth=1; shift ;;
	-tests) tests=1; shift ;;
	-maxload) maxload=$2; shift 2 ;;
	-wait) wait=$2; shift 2 ;;
	-o) out=$(realpath -m "$2"); shift 2 ;;
	-rebuild) rebuild=1; shift ;;
	-report) reportonly=1; shift ;;
	-loop) loop=1; shift ;;
	-rounds) rounds=$2; shift 2 ;;
	-actions) actions=1; shift ;;
	-h | -help | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see -help)" >&2; exit 2 ;;
	esac
done

[ $((loop + actions)) -gt 0 ] && [ $corporaset = 0 ] && corpora="caddy std"

scratch=${BENCH_DIR:-${TMPDIR:-/tmp}/teardown-bench}
scratch=$(realpath -m "$scratch")
case "$scratch/" in
"$repo"/*) echo "run.sh: the scratch directory must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$scratch/bin" "$scratch/logs" "$scratch/empty"
out=${out:-$scratch/report.md}
touch "$scratch/results.tsv"

# The toolchain of go.mod (GOTOOLCHAIN=auto fetches it), then pinned and
# first on PATH, so that every tool's `go list` reads the std of the Go
# that built the tools.
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
goroot=$(cd "$repo" && go env GOROOT)
export PATH="$goroot/bin:$PATH" GOTOOLCHAIN=local GOWORK=off
export GOFLAGS="-buildvcs=false"
gover=$(go env GOVERSION)

log() { echo "run.sh: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# pattern CORPUS: the package patterns of a corpus; dir CORPUS: where to run.
pattern() {
	case $1 in
	std) echo std ;;
	net) echo "net/... net/http/... crypto/tls" ;;
	net1) echo net ;;
	net3) echo "net net/http crypto/tls" ;;
	caddy) echo "${CADDY%@*}/..." ;;
	*) log "unknown corpus $1"; exit 2 ;;
	esac
}
dir() {
	case $1 in
	caddy) echo "$scratch/caddy" ;;
	*) echo "$scratch/empty" ;;
	esac
}

build() {
	local b=$scratch/bin
	if [[ " $tools " == *" gcl-"* ]]; then
		# Always: it holds teardown, which is what is being measured (go
		# build's cache makes a rebuild take seconds).
		log "building golangci-lint with the teardown and floor plugins (scripts/golangci/build.sh -floors)"
		"$repo/scripts/golangci/build.sh" -floors -o "$b/golangci-lint" >"$scratch/logs/gcl-build.log" 2>&1 ||
			{ cat "$scratch/logs/gcl-build.log" >&2; exit 1; }
	fi
	if [ $rebuild = 0 ] && [ -x "$b/teardown" ] && [ -x "$b/factfloor" ] && [ -x "$b/ssafloor" ] && [ -x "$b/actions" ] &&
		[ -x "$b/bodyclose" ] && [ -x "$b/staticcheck" ] && [ -f "$scratch/caddy/go.mod" ] &&
		[ "$(cat "$b/goversion" 2>/dev/null)" = "$gover" ]; then
		# teardown is always rebuilt: it is what is being measured.
		(cd "$repo" && go build -o "$b/teardown" ./cmd/teardown)
		return
	fi
	log "building teardown from $repo"
	(cd "$repo" && go build -o "$b/teardown" ./cmd/teardown)

	log "building the floors (scripts/bench/floors, a module of its own)"
	local want got
	want=$(cd "$repo" && go list -m -f '{{.Version}}' golang.org/x/tools)
	got=$(cd "$repo/scripts/bench/floors" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' golang.org/x/tools)
	[ "$want" = "$got" ] || log "warning: the floors use x/tools $got, teardown $want"
	(cd "$repo/scripts/bench/floors" && GOFLAGS=-mod=mod go build -o "$b/" ./factfloor ./ssafloor ./ssafactfloor ./actions)

	log "building the peers in a scratch module ($BODYCLOSE, $STATICCHECK)"
	rm -rf "$scratch/peers"
	mkdir -p "$scratch/peers"
	(
		cd "$scratch/peers"
		printf 'module teardown-bench-peers\n\ngo 1.26.0\n' >go.mod
		go get "$BODYCLOSE" "$STATICCHECK" >"$scratch/logs/peers-get.log" 2>&1 ||
			{ cat "$scratch/logs/peers-get.log" >&2; exit 1; }
		# bodyclose's main package is its module root.
		go build -o "$b/bodyclose" "${BODYCLOSE%@*}"
		go build -o "$b/staticcheck" "${STATICCHECK%@*}"
		go list -m golang.org/x/tools >"$scratch/peers/xtools.txt"
	)
	log "peers built with $(cat "$scratch/peers/xtools.txt")"

	log "fetching $CADDY into a scratch copy of its module"
	local src
	src=$(cd "$scratch/empty" && go mod download -json "$CADDY" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$src" ] && [ -d "$src" ] || { log "go mod download $CADDY failed"; exit 1; }
	rm -rf "$scratch/caddy"
	cp -r "$src" "$scratch/caddy"
	chmod -R u+w "$scratch/caddy"
	(cd "$scratch/caddy" && go mod download >"$scratch/logs/caddy-download.log" 2>&1) ||
		{ cat "$scratch/logs/caddy-download.log" >&2; exit 1; }
	echo "$gover" >"$b/goversion"
}

# gclconfig LINTER: a golangci-lint configuration that enables only
# LINTER (a module plugin, unless it is bodyclose); prints its path.
gclconfig() {
	local f=$scratch/gcl/$1.yml
	mkdir -p "$scratch/gcl"
	{
		printf 'version: "2"\nlinters:\n  default: none\n  enable: [%s]\n' "$1"
		[ "$1" = bodyclose ] || printf '  settings:\n    custom:\n      %s:\n        type: module\n' "$1"
	} >"$f"
	echo "$f"
}

# runone TOOL CORPUS RUN: one timed run; appends a line to results.tsv
# unless RUN is a warm-up (negative).
runone() {
	local tool=$1 corpus=$2 run=$3 d rc l tf
	d=$(dir "$corpus")
	tf=$scratch/logs/time.txt
	l=$(load1)
	local env=() args=()
	local t=false
	[ "$tests" = 1 ] && t=true
	case $tool in
	staticcheck)
		rm -rf "$scratch/sccache"
		mkdir -p "$scratch/sccache"
		env=(STATICCHECK_CACHE="$scratch/sccache")
		args=(-tests="$t")
		;;
	teardown | teardown-load)
		env=(TEARDOWN_CACHE=off) # the cold round analyzes every time
		read -r -a args <<<"${TEARDOWN_FLAGS:-}"
		[ "$tests" = 1 ] && args+=(-connflow.tests)
		[ "$tool" = teardown-load ] && args+=(-engine=load)
		;;
	gcl-*) ;;
	*) args=(-test="$t") ;;
	esac
	local pats bin=$scratch/bin/$tool
	[ "$tool" = teardown-load ] && bin=$scratch/bin/teardown
	read -r -a pats <<<"$(pattern "$corpus")"
	case $tool in
	gcl-*)
		# golangci-lint takes directories: ./... in the module, or the
		# std packages' directories in GOROOT/src.
		rm -rf "$scratch/gclcache"
		mkdir -p "$scratch/gclcache"
		env=(GOLANGCI_LINT_CACHE="$scratch/gclcache")
		bin=$scratch/bin/golangci-lint
		args=(run --config "$(gclconfig "${tool#gcl-}")" --tests="$t" --max-issues-per-linter=0 --max-same-issues=0)
		if [ "$corpus" = caddy ]; then
			pats=(./...)
		else
			d=$goroot/src
			pats=("${pats[@]/#/./}")
			[ "$corpus" = std ] && pats=(./...)
		fi
		;;
	esac
	set +e
	(cd "$d" && env "${env[@]}" /usr/bin/time -f "%e %M %U %S" -o "$tf" \
		"$bin" "${args[@]}" "${pats[@]}" >"$scratch/logs/$tool.$corpus.out" 2>"$scratch/logs/$tool.$corpus.err")
	rc=$?
	set -e
	local wall rss usr sys
	read -r wall rss usr sys < <(tail -n 1 "$tf")
	case $rc in
	0 | 3) ;;
	1) [ "$tool" = staticcheck ] || [[ $tool == gcl-* ]] || log "note: $tool $corpus exited 1 (analysis errors? see $scratch/logs/$tool.$corpus.err)" ;;
	*) log "note: $tool $corpus exited $rc (see $scratch/logs/$tool.$corpus.err)" ;;
	esac
	if grep -q -m1 -E '^panic: |internal error' "$scratch/logs/$tool.$corpus.err"; then
		log "note: $tool $corpus: a panic or internal error, see $scratch/logs/$tool.$corpus.err"
	fi
	printf '  %-12s %-6s run %2s  %7.2f s  %6d MB  cpu %7.2f s  exit %d  load %s\n' \
		"$tool" "$corpus" "$run" "$wall" $((rss / 1024)) "$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" "$rc" "$l" >&2
	if [ "$run" -ge 1 ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$corpus" "$run" "$wall" "$rss" \
			"$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" "$rc" "$l" "$(date -u +%FT%TZ)" >>"$scratch/results.new"
	fi
}

# runiterations TOOLS CORPUS: warm-up rounds, then measured rounds, the
# tools taking turns in each round.
runcorpus() {
	local ts=$1 corpus=$2
	if [ "$wait" -gt 0 ] && above "$(load1)" "$maxload"; then
		local t0=$SECONDS
		log "load $(loadavg) above $maxload: waiting up to $wait s"
		while above "$(load1)" "$maxload" && [ $((SECONDS - t0)) -lt "$wait" ]; do sleep 10; done
	fi
	local before after
	before=$(loadavg)
	log "corpus $corpus ($(pattern "$corpus")): load before $before"
	: >"$scratch/results.new"
	local maxw=$warmup maxn=$n t w m
	for t in $ts; do
		read -r w m <<<"$(runs "$t")"
		[ "$w" -gt "$maxw" ] && maxw=$w
		[ "$m" -gt "$maxn" ] && maxn=$m
	done
	local r
	for ((r = 1; r <= maxw; r++)); do
		for t in $ts; do
			read -r w m <<<"$(runs "$t")"
			[ "$r" -le "$w" ] && runone "$t" "$corpus" $((-r))
		done
	done
	for ((r = 1; r <= maxn; r++)); do
		for t in $ts; do
			read -r w m <<<"$(runs "$t")"
			[ "$r" -le "$m" ] && runone "$t" "$corpus" "$r"
		done
	done
	after=$(loadavg)
	log "corpus $corpus: load after $after"
	# Replace this corpus's earlier results for these tools.
	local keep
	keep=$(mktemp)
	awk -F '\t' -v c="$corpus" -v ts=" $ts " '!($2 == c && index(ts, " " $1 " ") > 0)' "$results" >"$keep"
	cat "$keep" "$scratch/results.new" >"$results"
	rm -f "$keep"
	local flag=""
	above "${before%% *}" "$maxload" && flag="LOADED"
	awk -F '\t' -v c="$corpus" '$1 == c' "$loads" 2>/dev/null | grep -q . &&
		{ awk -F '\t' -v c="$corpus" '$1 != c' "$loads" >"$loads.tmp"; mv "$loads.tmp" "$loads"; }
	printf '%s\t%s\t%s\t%s\t%s\n' "$corpus" "$before" "$after" "$flag" "$(date -u +%FT%TZ)" >>"$loads"
}

runs() {
	local v="BENCH_RUNS_${1//-/_}" # gcl-teardown: BENCH_RUNS_gcl_teardown
	if [ -n "${!v:-}" ]; then echo "${!v}"; else echo "$warmup $n"; fi
}

# report: the Markdown tables from results.tsv.
report() {
	local gdone=$1
	{
		echo "Measured $(date -u +%F) on $(nproc) cores ($(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)), $gover, GOMAXPROCS unset, CGO_ENABLED=0;"
		echo "pins: $BODYCLOSE, $STATICCHECK, $CADDY. Medians of the measured runs (warm-up excluded)."
		if [ "$tests" = 1 ]; then echo "Test files included (-test=true, teardown -connflow.tests)."; else echo "Test files excluded (teardown's default; -test=false, staticcheck -tests=false)."; fi
		echo
		echo "| corpus | load before (1, 5, 15 min) | load after | |"
		echo "|---|---|---|---|"
		awk -F '\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, ($4 == "" ? "" : "**" $4 "**") }' "$loads" 2>/dev/null
		echo
		echo "| tool | corpus | runs | wall s (median) | wall min–max | peak RSS MB (median) | CPU s | wall / fact floor | RSS / fact floor | wall / SSA floor | RSS / SSA floor | exit |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
		summarize | awk -F '\t' '
			{ key[NR] = $1 SUBSEP $2; tool[NR] = $1; corp[NR] = $2; line[NR] = $0; wall[$1, $2] = $4; rss[$1, $2] = $6 }
			function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f×", a / b) : "–" }
			END {
				for (i = 1; i <= NR; i++) {
					split(line[i], f, "\t")
					c = corp[i]
					ff = "factfloor"; sf = "ssafloor"
					if (f[1] ~ /^gcl-/) { ff = "gcl-factfloor"; sf = "gcl-ssafloor" }
					printf "| %s | %s | %s | %.2f | %.2f–%.2f | %.0f | %.1f | %s | %s | %s | %s | %s |\n",
						f[1], c, f[3], f[4], f[8], f[9], f[6] / 1024, f[5],
						ratio(f[4], wall[ff, c]), ratio(f[6], rss[ff, c]),
						ratio(f[4], wall[sf, c]), ratio(f[6], rss[sf, c]), f[7]
				}
			}'
		if [ "$gdone" = 1 ]; then
			echo
			echo "Growth: teardown -engine=load against the fact floor as the corpus grows (packages: named on the command line / loaded, dependencies included)."
			echo
			echo "| corpus | packages named | packages loaded | fact floor s | teardown-load s | wall ratio | fact floor MB | teardown-load MB | RSS ratio |"
			echo "|---|---|---|---|---|---|---|---|---|"
			local c
			for c in net1 net3 net std caddy; do
				summarize | awk -F '\t' -v c="$c" -v np="$(npkgs "$c" named)" -v nl="$(npkgs "$c" loaded)" '
					$2 == c { wall[$1] = $4; rss[$1] = $6 }
					END {
						t = "teardown-load"
						if (wall[t] == "" || wall["factfloor"] == "") exit
						printf "| %s | %s | %s | %.2f | %.2f | %.2f× | %.0f | %.0f | %.2f× |\n", c, np, nl,
							wall["factfloor"], wall[t], wall[t] / wall["factfloor"],
							rss["factfloor"] / 1024, rss[t] / 1024, rss[t] / rss["factfloor"]
					}'
			done
		fi
	}
}

# summarize: per tool and corpus, in table order: tool corpus runs
# median-wall median-cpu median-rss exits min-wall max-wall.
summarize() {
	local t c
	for c in net1 net3 net std caddy; do
		for t in teardown teardown-load factfloor ssafloor ssafactfloor bodyclose staticcheck gcl-teardown gcl-factfloor gcl-ssafloor gcl-bodyclose; do
			awk -F '\t' -v t="$t" -v c="$c" '$1 == t && $2 == c' "$results" | sort -t$'\t' -k4,4n | awk -F '\t' '
				{ w[NR] = $4; cpu[NR] = $6; r[NR] = $5; ex[$7] = 1; t = $1; c = $2 }
				function med(a, k,   i, j, x) {
					# a is sorted by wall only; sort a copy for cpu and rss
					for (i = 1; i <= k; i++) s[i] = a[i]
					for (i = 2; i <= k; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
					return (k % 2) ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
				}
				END {
					if (NR == 0) exit
					e = ""; for (k in ex) e = e (e == "" ? "" : ",") k
					printf "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t, c, NR, med(w, NR), med(cpu, NR), med(r, NR), e, w[1], w[NR]
				}'
		done
	done
}

# npkgs CORPUS named|loaded: how many packages the corpus names, and how
# many the checker loads for it (dependencies, and test variants with -tests).
npkgs() {
	local d pats
	d=$(dir "$1")
	[ -d "$d" ] || { echo "?"; return; }
	read -r -a pats <<<"$(pattern "$1")"
	if [ "$2" = named ]; then
		(cd "$d" && go list "${pats[@]}" 2>/dev/null | wc -l)
	else
		(cd "$d" && go list -deps -test="$([ "$tests" = 1 ] && echo true || echo false)" "${pats[@]}" 2>/dev/null | wc -l)
	fi
}


# -- the everyday loop (-loop) --

# loopgoroot: a writable copy of GOROOT, for the std corpora's edit round.
loopgoroot() {
	local g=$scratch/goroot
	if [ ! -x "$g/bin/go" ] || [ "$("$g/bin/go" env GOVERSION 2>/dev/null)" != "$gover" ]; then
		log "copying GOROOT to $g (the std corpora are edited there)"
		rm -rf "$g"
		cp -r "$goroot" "$g"
		chmod -R u+w "$g"
	fi
	echo "$g"
}

# loopenv CORPUS: the PATH of the loop's runs on CORPUS (the GOROOT copy
# first for std corpora).
looppath() {
	case $1 in
	caddy) echo "$PATH" ;;
	*) echo "$(loopgoroot)/bin:$PATH" ;;
	esac
}

# editfile CORPUS: the file of the edit round, and the line after which the
# edit goes (a function's opening line, exactly).
editfile() {
	case $1 in
	caddy) printf '%s\t%s\n' "$scratch/caddy/modules/caddyhttp/reverseproxy/reverseproxy.go" \
		'func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {' ;;
	*) printf '%s\t%s\n' "$(loopgoroot)/src/net/http/server.go" 'func (c *conn) serve(ctx context.Context) {' ;;
	esac
}

# snapshot CORPUS: the GOCACHE of "the code built": go build and the
# stock go vet over the corpus (vet builds what go vet needs, test
# dependencies included), from an empty cache. Made once.
snapshot() {
	local c=$1 snap=$scratch/gocache-built-$1 pats d
	d=$(dir "$c")
	read -r -a pats <<<"$(pattern "$c")"
	if [ $rebuild = 1 ] || [ ! -f "$snap/.done" ] || [ "$(cat "$snap/.done")" != "$gover" ]; then
		log "building $c into a fresh GOCACHE (go build, go vet): the 'code built' snapshot"
		rm -rf "$snap"
		mkdir -p "$snap"
		(cd "$d" && PATH=$(looppath "$c") GOCACHE=$snap go build "${pats[@]}" >/dev/null 2>&1 &&
			PATH=$(looppath "$c") GOCACHE=$snap go vet "${pats[@]}" >/dev/null 2>&1) || true
		echo "$gover" >"$snap/.done"
	fi
	echo "$snap"
}

# looprun ROUND TOOL CORPUS RUN: one timed run with GOCACHE
# scratch/loop-gocache, STATICCHECK_CACHE scratch/loop-sccache and
# TEARDOWN_CACHE scratch/loop-tdcache (teardown's result cache);
# appends to loop.new unless RUN is 0 (a priming run).
# alternate R T...: the tools T in their order for an odd run R, in the
# reverse order for an even one.
alternate() {
	local r=$1 out=()
	shift
	if ((r % 2 == 1)); then
		echo "$@"
		return
	fi
	for ((i = $#; i >= 1; i--)); do out+=("${!i}"); done
	echo "${out[@]}"
}

looprun() {
	local round=$1 tool=$2 corpus=$3 run=$4 d rc l tf pats args=() cmd=()
	d=$(dir "$corpus")
	tf=$scratch/logs/time.txt
	read -r -a pats <<<"$(pattern "$corpus")"
	read -r -a args <<<"${TEARDOWN_FLAGS:-}"
	case $tool in
	teardown) cmd=("$scratch/bin/teardown" "${args[@]}") ;;
	teardown-load) cmd=("$scratch/bin/teardown" -engine=load "${args[@]}") ;;
	govet) cmd=(go vet -vettool="$scratch/bin/teardown" "${args[@]}") ;;
	vet-factfloor) cmd=(go vet -vettool="$scratch/bin/factfloor") ;;
	factfloor) cmd=("$scratch/bin/factfloor" -test=false) ;;
	staticcheck) cmd=("$scratch/bin/staticcheck" -tests=false) ;;
	*) log "unknown loop tool $tool"; exit 2 ;;
	esac
	l=$(load1)
	set +e
	(cd "$d" && env PATH="$(looppath "$corpus")" GOCACHE="$scratch/loop-gocache" STATICCHECK_CACHE="$scratch/loop-sccache" TEARDOWN_CACHE="$scratch/loop-tdcache" \
		/usr/bin/time -f "%e %M %U %S" -o "$tf" "${cmd[@]}" "${pats[@]}" \
		>"$scratch/logs/loop.$round.$tool.$corpus.out" 2>"$scratch/logs/loop.$round.$tool.$corpus.err")
	rc=$?
	set -e
	local wall rss usr sys cpu
	read -r wall rss usr sys < <(tail -n 1 "$tf")
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
	case $rc in
	0 | 3) ;;
	1) case $tool in staticcheck | govet | vet-factfloor) ;; *) log "note: $tool $corpus ($round) exited 1, see $scratch/logs/loop.$round.$tool.$corpus.err" ;; esac ;;
	*) log "note: $tool $corpus ($round) exited $rc, see $scratch/logs/loop.$round.$tool.$corpus.err" ;;
	esac
	if grep -q -m1 -E '^panic: |internal error' "$scratch/logs/loop.$round.$tool.$corpus.err"; then
		log "note: $tool $corpus ($round): a panic or internal error, see $scratch/logs/loop.$round.$tool.$corpus.err"
	fi
	printf '  %-9s %-13s %-6s run %2s  %7.2f s  %6d MB  cpu %7.2f s  exit %d  load %s\n' \
		"$round" "$tool" "$corpus" "$run" "$wall" $((rss / 1024)) "$cpu" "$rc" "$l" >&2
	if [ "$run" -ge 1 ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$tool" "$corpus" "$run" "$wall" "$rss" "$cpu" "$rc" "$l" \
			"$(date -u +%FT%TZ)" >>"$scratch/loop.new"
	fi
}

# inrounds ROUND: whether -rounds asks for ROUND.
inrounds() {
	[[ " $rounds " == *" $1 "* ]]
}

# loopcorpus CORPUS: the four rounds (those -rounds names).
loopcorpus() {
	local c=$1 snap r t k=0 file anchor orig
	snap=$(snapshot "$c")
	if [ "$wait" -gt 0 ] && above "$(load1)" "$maxload"; then
		local t0=$SECONDS
		log "load $(loadavg) above $maxload: waiting up to $wait s"
		while above "$(load1)" "$maxload" && [ $((SECONDS - t0)) -lt "$wait" ]; do sleep 10; done
	fi
	local before
	before=$(loadavg)
	log "loop on $c ($(pattern "$c")): load before $before"
	: >"$scratch/loop.new"

	# first: a fresh copy of the built snapshot for every run. The order of
	# the tools alternates from run to run (A B, B A, ...): measured on
	# std with the same build, teardown ran 1.12× the fact floor when it
	# always ran first and 1.04× when it always ran second (5 pairs each),
	# so a fixed order biases the ratio.
	for ((r = 1; r <= n; r++)); do
		inrounds first || break
		for t in $(alternate "$r" $looptools); do
			rm -rf "$scratch/loop-gocache" "$scratch/loop-sccache" "$scratch/loop-tdcache"
			cp -a "$snap" "$scratch/loop-gocache"
			looprun first "$t" "$c" "$r"
		done
	done
	# coldbuild: an empty GOCACHE.
	for ((r = 1; r <= n; r++)); do
		inrounds coldbuild || break
		for t in $(alternate "$r" teardown teardown-load); do
			rm -rf "$scratch/loop-gocache" "$scratch/loop-sccache" "$scratch/loop-tdcache"
			mkdir -p "$scratch/loop-gocache"
			looprun coldbuild "$t" "$c" "$r"
		done
	done
	# nochange: one shared, primed cache (which the edit round needs too).
	if inrounds nochange || inrounds edit; then
		rm -rf "$scratch/loop-gocache" "$scratch/loop-sccache" "$scratch/loop-tdcache"
		cp -a "$snap" "$scratch/loop-gocache"
		for t in $looptools; do looprun nochange "$t" "$c" 0; done
	fi
	for ((r = 1; r <= n; r++)); do
		inrounds nochange || break
		for t in $looptools; do looprun nochange "$t" "$c" "$r"; done
	done
	# edit: a new one-line edit before every run.
	IFS=$'\t' read -r file anchor <<<"$(editfile "$c")"
	orig=$scratch/edit.orig
	cp "$file" "$orig"
	grep -q -x -F "$anchor" "$orig" || { log "the edit anchor is not in $file"; exit 1; }
	for ((r = 0; r <= n; r++)); do
		inrounds edit || break
		for t in $looptools; do
			case $t in factfloor | teardown-load) continue ;; esac # they have no cache
			k=$((k + 1))
			awk -v a="$anchor" -v k="$k" '{ print } !done && $0 == a { print "\t_ = " k " // teardown bench edit"; done = 1 }' "$orig" >"$file"
			looprun edit "$t" "$c" "$r"
		done
	done
	cp "$orig" "$file"

	local after keep
	after=$(loadavg)
	log "loop on $c: load after $after"
	keep=$(mktemp)
	# The new results replace the earlier ones of the same round, tool
	# and corpus.
	awk -F '\t' 'NR == FNR { fresh[$1, $2, $3] = 1; next } !(($1, $2, $3) in fresh)' \
		"$scratch/loop.new" "$scratch/loop.tsv" >"$keep"
	cat "$keep" "$scratch/loop.new" >"$scratch/loop.tsv"
	rm -f "$keep"
	awk -F '\t' -v c="$c ($rounds)" '$1 != c' "$scratch/loop-loads.tsv" >"$scratch/loop-loads.tmp"
	printf '%s\t%s\t%s\t%s\n' "$c ($rounds)" "$before" "$after" "$(date -u +%FT%TZ)" >>"$scratch/loop-loads.tmp"
	mv "$scratch/loop-loads.tmp" "$scratch/loop-loads.tsv"
}

# loopreport: the tables of the loop, from loop.tsv: medians per round,
# tool and corpus, and the ratios the goals are stated in.
loopreport() {
	echo "Measured $(date -u +%F) on $(nproc) cores ($(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)), $gover, GOMAXPROCS unset, CGO_ENABLED=0;"
	echo "pins: $STATICCHECK, $CADDY. Medians of the measured runs; wall seconds, CPU seconds (user+sys, the process tree),"
	echo "peak RSS of the largest process of the tree (GNU time %M)."
	echo
	echo "| corpus | load before (1, 5, 15 min) | load after |"
	echo "|---|---|---|"
	awk -F '\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$scratch/loop-loads.tsv"
	local c
	for c in net std caddy; do
		awk -F '\t' -v c="$c" '$3 == c' "$scratch/loop.tsv" | grep -q . || continue
		echo
		echo "**$c** (wall s / CPU s / peak RSS MB, medians; runs in parentheses)"
		echo
		echo "| tool | first run (code built, analysis cache empty) | nothing changed | one-file edit | no build cache |"
		echo "|---|---|---|---|---|"
		awk -F '\t' -v c="$c" '
			$3 == c { k = $1 SUBSEP $2; n[k]++; w[k, n[k]] = $5; cpu[k, n[k]] = $7; rss[k, n[k]] = $6 / 1024; seen[$2] = 1 }
			function med(a, k, m,   i, j, x, s) {
				for (i = 1; i <= m; i++) s[i] = a[k, i]
				for (i = 2; i <= m; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
				return (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
			}
			function cell(r, t,   k) {
				k = r SUBSEP t
				if (!(k in n)) return "–"
				return sprintf("%.2f / %.1f / %.0f (%d)", med(w, k, n[k]), med(cpu, k, n[k]), med(rss, k, n[k]), n[k])
			}
			function val(a, r, t,   k) { k = r SUBSEP t; return (k in n) ? med(a, k, n[k]) : "" }
			function ratio(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2f×", a / b) : "–" }
			END {
				split("teardown govet vet-factfloor staticcheck teardown-load factfloor", order, " ")
				for (i = 1; i <= 6; i++) {
					t = order[i]
					if (!(t in seen)) continue
					printf "| %s | %s | %s | %s | %s |\n", t, cell("first", t), cell("nochange", t), cell("edit", t), cell("coldbuild", t)
				}
				print ""
				printf "- nothing changed, teardown / staticcheck: wall %s, CPU %s (goal ≤ 1.5× wall)\n",
					ratio(val(w, "nochange", "teardown"), val(w, "nochange", "staticcheck")),
					ratio(val(cpu, "nochange", "teardown"), val(cpu, "nochange", "staticcheck"))
				printf "- one-file edit, teardown / go vet -vettool: wall %s, CPU %s (goal ≤ 1.2× wall)\n",
					ratio(val(w, "edit", "teardown"), val(w, "edit", "govet")),
					ratio(val(cpu, "edit", "teardown"), val(cpu, "edit", "govet"))
				printf "- first run, teardown / vet-factfloor (the fact floor of go vet): wall %s, CPU %s; teardown / factfloor (in-process): wall %s, CPU %s\n",
					ratio(val(w, "first", "teardown"), val(w, "first", "vet-factfloor")),
					ratio(val(cpu, "first", "teardown"), val(cpu, "first", "vet-factfloor")),
					ratio(val(w, "first", "teardown"), val(w, "first", "factfloor")),
					ratio(val(cpu, "first", "teardown"), val(cpu, "first", "factfloor"))
				printf "- no build cache, teardown / teardown -engine=load: wall %s, CPU %s (goal ≤ 1×)\n",
					ratio(val(w, "coldbuild", "teardown"), val(w, "coldbuild", "teardown-load")),
					ratio(val(cpu, "coldbuild", "teardown"), val(cpu, "coldbuild", "teardown-load"))
				m = 0
				for (k in n) {
					split(k, kk, SUBSEP)
					if (kk[2] == "teardown" && kk[1] != "coldbuild") { v = val(rss, kk[1], "teardown"); if (v > m) m = v }
				}
				printf "- peak RSS of teardown, largest median of the rounds first, nochange and edit: %.0f MB (goal ≤ 512 MB on caddy); with no build cache (the load engine): %.0f MB\n", m, val(rss, "coldbuild", "teardown")
			}' "$scratch/loop.tsv"
	done
}

# actionscorpus CORPUS: teardown's vet tool against the fact floor's, action
# by action (-actions).
actionscorpus() {
	local c=$1 snap d t work pats tools=() works=()
	snap=$(snapshot "$c")
	d=$(dir "$c")
	read -r -a pats <<<"$(pattern "$c")"
	for t in teardown factfloor; do
		# A cache of each tool's own, kept until the measurement ends: the
		# work directory's configs name export data that its go vet built
		# there (the test variants').
		rm -rf "$scratch/actions-gocache-$t"
		cp -a "$snap" "$scratch/actions-gocache-$t"
		# go vet exits 1 on teardown's findings; the work directory is what counts.
		work=$( (cd "$d" && env PATH="$(looppath "$c")" GOCACHE="$scratch/actions-gocache-$t" \
			go vet -work -vettool="$scratch/bin/$t" "${pats[@]}" 2>&1 >/dev/null) | sed -n 's/^WORK=//p' | head -n 1) || true
		[ -n "$work" ] && [ -d "$work" ] || { log "go vet -work -vettool=$t on $c left no work directory"; exit 1; }
		works+=("$work")
		tools+=("$t=$scratch/bin/$t:$work")
	done
	log "actions on $c: both vet tools on every package, $n runs each, interleaved (load $(loadavg))"
	if ! "$scratch/bin/actions" -n "$n" "${tools[@]}" >"$scratch/actions.$c.tsv" 2>"$scratch/logs/actions.$c.err"; then
		cat "$scratch/logs/actions.$c.err" >&2
		exit 1
	fi
	cat "$scratch/logs/actions.$c.err" >&2
	rm -rf "${works[@]}" "$scratch/actions-gocache-teardown" "$scratch/actions-gocache-factfloor"
}

export GOOS=linux GOARCH=amd64 CGO_ENABLED=0
looptools=${BENCH_LOOP_TOOLS:-"teardown govet vet-factfloor staticcheck teardown-load factfloor"}
if [ $actions = 1 ]; then
	build
	log "$gover; $(nproc) cores; scratch $scratch; tool CPU per action on $corpora"
	for c in $corpora; do
		actionscorpus "$c"
	done
	exit 0
fi
if [ $loop = 1 ]; then
	touch "$scratch/loop.tsv" "$scratch/loop-loads.tsv"
	if [ $reportonly = 0 ]; then
		build
		log "$gover; $(nproc) cores; scratch $scratch; the everyday loop on $corpora"
		for c in $corpora; do
			loopcorpus "$c"
		done
	fi
	loopreport | tee "$out"
	log "report written to $out; raw results in $scratch/loop.tsv, logs in $scratch/logs"
	exit 0
fi
# Results with and without test files are kept apart.
results=$scratch/results.tsv loads=$scratch/loads.tsv
if [ "$tests" = 1 ]; then results=$scratch/results-tests.tsv loads=$scratch/loads-tests.tsv; fi
touch "$results" "$loads"

if [ $reportonly = 0 ]; then
	build
	log "$gover; $(nproc) cores; scratch $scratch"
	for c in $corpora; do
		runcorpus "$tools" "$c"
	done
	if [ $growth = 1 ]; then
		for c in net1 net3; do
			runcorpus "teardown-load factfloor" "$c"
		done
	fi
fi
gdone=$growth
[ $reportonly = 1 ] && awk -F '\t' '$2 == "net1" || $2 == "net3"' "$results" | grep -q . && gdone=1
report "$gdone" | tee "$out"
log "report written to $out; raw results in $results, logs in $scratch/logs"
