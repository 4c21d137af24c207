// Command teardown finds connection-teardown bugs: Close calls that send
// RST instead of FIN and lose data, and SO_LINGER settings that make them.
//
// Usage:
//
//	teardown [flags] packages          analyze (exit 3 when there are findings)
//	teardown -fix [-diff] packages     apply (or print) the suggested fixes
//	teardown -format=sarif packages    write SARIF 2.1.0 for code scanning
//	teardown help [RULE]               list the rules and flags, or document a rule
//	go vet -vettool=$(which teardown)  as a vet tool (exit 1 when there are findings)
//	go fix -fixtool=$(which teardown)  apply the suggested fixes through go fix
//
// The standalone driver runs the analysis through go vet's build cache
// when it can (see engine.go), so a run after a small change costs what
// the change costs.
//
// Exit codes of the standalone driver: 0 no findings; 1 analysis failed
// (load, build or type errors, patterns that match no packages, an
// internal error); 2 usage error (bad flag or flag value, no packages
// named); 3 findings reported (or left after -fix). Notes (a function
// over connflow's size budget) are shown but never change the exit code.
// See docs/usage.md.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/passes/connflow"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "help" {
		os.Exit(help(os.Stdout, os.Stderr, args[1:]))
	}
	switch mode(args) {
	case modeHelp:
		os.Exit(help(os.Stdout, os.Stderr, nil))
	case modeVersion:
		if err := printVersion(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	case modeProtocol:
		runProtocol(args)
	}
	os.Exit(standalone(args, os.Stdout, os.Stderr))
}

// runProtocol is teardown as go vet and go fix run it: `-flags` (which
// flags the tool takes) or one package's unit.cfg. It does not return.
func runProtocol(args []string) {
	if cfg := args[len(args)-1]; strings.HasSuffix(cfg, ".cfg") && !testsFlag(args[:len(args)-1]) {
		trimmed, skip, err := withoutTestFiles(cfg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
			os.Exit(1)
		}
		if skip {
			os.Exit(0)
		}
		os.Args[len(os.Args)-1] = trimmed
	}
	var unit unitConfig
	if cfg := args[len(args)-1]; strings.HasSuffix(cfg, ".cfg") {
		unit = readUnitConfig(cfg)
	}
	debug.SetGCPercent(unit.gcPercent())
	// Under go vet every diagnostic fails the run, so a budget note is
	// written to standard error instead: go vet shows it and exits 0. Not
	// for a dependency analyzed only for its facts, whose diagnostics go
	// vet drops. The standalone vet engine sets -connflow.notes=report,
	// and tells notes from findings itself.
	if unit.read && !unit.VetxOnly {
		if err := connflow.Analyzer.Flags.Set("notes", connflow.NotesStderr); err != nil {
			panic(err)
		}
	}
	// A bad flag gets one line, not a page of usage.
	flag.CommandLine.SetOutput(prefixWriter{os.Stderr})
	flag.Usage = func() {}
	multichecker.Main(analyzer.Analyzers()...)
}

// testsFlag reports whether the arguments turn -connflow.tests on.
func testsFlag(args []string) bool {
	on := false
	for _, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "connflow.tests" {
			continue
		}
		on = true
		if hasValue {
			on, _ = strconv.ParseBool(value)
		}
	}
	return on
}

// unitConfig is what runProtocol reads of go vet's unit config: whether
// it asks only for the package's facts (VetxOnly: a dependency of the
// packages vetted), and the package's Go files.
type unitConfig struct {
	read     bool // the config was read and decoded
	VetxOnly bool
	GoFiles  []string
}

// readUnitConfig reads cfgFile's unitConfig; a config it cannot read or
// decode gives the zero unitConfig, and unitchecker reports the error.
func readUnitConfig(cfgFile string) unitConfig {
	var cfg unitConfig
	data, err := os.ReadFile(cfgFile)
	if err != nil || json.Unmarshal(data, &cfg) != nil {
		return unitConfig{}
	}
	cfg.read = true
	return cfg
}

// largeUnit is the size of Go source, in bytes, above which a unit run
// collects garbage as often as any Go program does.
const largeUnit = 1 << 20

// gcPercent is the GC percent of a unit run. A unit run is a short
// process that parses and type-checks one package and imports its
// dependencies' types. For most packages, collecting garbage four times
// less often than the default (400) saves about 15% of the CPU of a
// first go vet run (caddy, measured), since most of those collections
// happen while the heap is small. A package with more than largeUnit
// bytes of Go source keeps the default (100): the largest packages set
// the peak RSS of a go vet run, and there the default costs what it
// costs any vet tool (runtime, 2.7 MB of source: 101 MB at 400, 87 MB at
// 100, the same as the fact floor's; docs/performance.md).
func (u unitConfig) gcPercent() int {
	size := int64(0)
	for _, f := range u.GoFiles {
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
	}
	if size > largeUnit {
		return 100
	}
	return 400
}

// withoutTestFiles is what makes go vet cheap for a tool that does not
// analyze test files (no -connflow.tests). go vet always vets packages
// with their test files: the test variant of p (p and its _test.go
// files) instead of p, the external test package p_test, and the
// packages between them recompiled for the test. Its unit configs name
// them by import path only (ID "p", not "p [p.test]"; measured with
// go1.26.11), so a test variant is known by its files:
//
//   - a config whose Go files are all test files (p_test, or a directory
//     of test files only) is skipped: skip is true, nothing is analyzed,
//     and an empty vetx file (its header, no types, no facts) is written
//     so that go vet caches the action instead of running it again on
//     every run; nothing imports a test package;
//   - a config with some test files (p's test variant) is analyzed as p:
//     withoutTestFiles writes a copy of the config without them next to
//     it and returns its name (the types and facts it exports are p's;
//     only test packages import p's test variant);
//   - a package recompiled for a test looks like the package itself and
//     is analyzed as it is.
//
// Other configs are returned as they are. The findings are those of the
// load engine, which does not load test files either.
func withoutTestFiles(cfgFile string) (string, bool, error) {
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		return "", false, err
	}
	if !bytes.Contains(data, []byte("_test.go")) {
		// No Go file can be a test file (JSON does not escape these
		// characters). Most configs: decoding them all into a map cost
		// half a millisecond of every package action.
		return cfgFile, false, nil
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", false, fmt.Errorf("cannot decode JSON config file %s: %v", cfgFile, err)
	}
	files, _ := cfg["GoFiles"].([]any)
	var kept []any
	for _, f := range files {
		if name, _ := f.(string); !connflow.IsTestFile(name) {
			kept = append(kept, f)
		}
	}
	switch {
	case len(kept) == len(files):
		return cfgFile, false, nil // no test files
	case len(kept) == 0:
		if out, _ := cfg["VetxOutput"].(string); out != "" {
			if err := os.WriteFile(out, emptyVetx, 0o666); err != nil {
				return "", false, err
			}
		}
		return "", true, nil
	}
	cfg["GoFiles"] = kept
	if data, err = json.Marshal(cfg); err != nil {
		return "", false, err
	}
	trimmed := strings.TrimSuffix(cfgFile, ".cfg") + ".teardown.cfg"
	return trimmed, false, os.WriteFile(trimmed, data, 0o666)
}

// emptyVetx is a vetx file with no types and no facts: unitchecker's
// magic and two zero lengths.
var emptyVetx = []byte("vetx\x00\x00\x00\x00\x00\x00\x00\x00")

type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return len(b), nil
	}
	fmt.Fprintf(p.w, "teardown: %s (run 'teardown help' for usage)\n", s)
	return len(b), nil
}

type driverMode int

const (
	modeStandalone driverMode = iota // teardown [flags] packages
	modeHelp                         // teardown -h
	modeVersion                      // teardown -V, -V=full (also go vet's query)
	modeProtocol                     // go vet / go fix: -flags, or a unit .cfg file
)

// mode tells apart the ways teardown is invoked, from the arguments alone.
func mode(args []string) driverMode {
	if len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg") {
		return modeProtocol
	}
	for _, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "h", "help":
			return modeHelp
		case "V":
			return modeVersion
		case "flags":
			return modeProtocol
		}
	}
	return modeStandalone
}
