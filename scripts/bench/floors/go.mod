// The floors of the benchmark (scripts/bench/run.sh): do-nothing analyzers
// that measure what the go/analysis checker costs before any analysis.
// A module of its own, so that it adds nothing to teardown's go.mod; it
// uses the x/tools version teardown uses (run.sh checks that).
module teardownbench/floors

go 1.26.0

require golang.org/x/tools v0.53.0

require (
	golang.org/x/mod v0.43.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
