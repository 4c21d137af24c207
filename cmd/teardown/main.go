// Command teardown finds connection-teardown bugs: Close calls that send
// RST instead of FIN and lose data, and SO_LINGER settings that make them.
//
// Usage:
//
//	teardown [flags] packages          standalone (exit 3 when there are findings)
//	go vet -vettool=$(which teardown)  as a vet tool (exit 1 when there are findings)
//	go fix -fixtool=$(which teardown)  apply the suggested fixes
//	teardown -format=sarif [-o FILE] packages  write SARIF 2.1.0 (same exit codes)
//	teardown help [rule]               list the rules, or document one
//
// Exit codes of the standalone driver: 0 no findings; 1 analysis failed
// (load or type errors, patterns that match no packages, internal error);
// 2 usage error (unknown flag, no packages named);
// 3 findings reported. See docs/usage.md.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

func main() {
	args := os.Args[1:]
	if wantsSARIF(args) {
		os.Exit(runSARIF(args, os.Stdout, os.Stderr))
	}
	if len(args) > 0 && args[0] == "help" {
		os.Exit(help(os.Stdout, args[1:]))
	}
	switch mode(args) {
	case modeHelp:
		os.Exit(help(os.Stdout, nil))
	case modeStandalone:
		if os.Getenv(rawEnv) == "" {
			os.Exit(runFiltered(args))
		}
	}
	if mode(args) == modeStandalone && !hasFlag(args, "test") && !hasFlag(args, "connflow.tests") {
		// _test.go files are neither analyzed nor reported unless
		// -connflow.tests is given: loading test packages would cost
		// several times the CPU and memory for nothing.
		os.Args = append([]string{os.Args[0], "-test=false"}, args...)
	}
	// A bad flag gets one line, not a page of usage.
	flag.CommandLine.SetOutput(prefixWriter{os.Stderr})
	flag.Usage = func() {}
	multichecker.Main(analyzer.Analyzers()...)
}

// hasFlag reports whether args set the flag name (-name, --name, -name=v).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return len(b), nil
	}
	fmt.Fprintf(p.w, "teardown: %s (run 'teardown help' for usage)\n", s)
	return len(b), nil
}

func help(w io.Writer, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(w, `teardown finds connection-teardown bugs: Close calls that send RST instead
of FIN and lose data, and SO_LINGER settings that cause them.

Usage:
  teardown [flags] packages           run standalone (exit 3 when there are findings)
  go vet -vettool=$(which teardown)   run as a vet tool (exit 1 when there are findings)
  teardown -format=sarif packages     write SARIF 2.1.0 for code scanning
  teardown help RULE                  document one rule

Rules:
`)
		for _, a := range analyzer.Rules() {
			d := lint.Rule(a.Name)
			fmt.Fprintf(w, "  %-15s %-8s %s\n", a.Name, d.Severity, d.Title)
		}
		fmt.Fprint(w, `
Suppress a finding with //teardown:ignore RULE reason on its line or the line
above; a directive without a reason, or that suppresses nothing, is reported
(by the directives analyzer).

Flags: -RULE=false disables a rule; -fix applies the suggested fixes; -diff
(with -fix) prints them; -json prints JSON. Run 'teardown -flags' for all.

Exit codes (standalone): 0 no findings, 1 analysis failed, 2 usage error,
3 findings. Under go vet: 1 when there are findings.
`)
		return 0
	}
	status := 0
	for _, name := range args {
		d := lint.Rule(name)
		if d == nil {
			fmt.Fprintf(os.Stderr, "teardown: unknown rule %q (known: %s)\n", name, strings.Join(lint.RuleNames(), ", "))
			status = 2
			continue
		}
		for _, a := range analyzer.Rules() {
			if a.Name == name {
				fmt.Fprintln(w, a.Doc)
				a.Flags.VisitAll(func(f *flag.Flag) {
					fmt.Fprintf(w, "\n  -%s.%s\n\t%s (default %q)\n", a.Name, f.Name, f.Usage, f.DefValue)
				})
			}
		}
	}
	return status
}

type driverMode int

const (
	modeStandalone driverMode = iota // teardown [flags] packages
	modeHelp                         // teardown -h
	modeProtocol                     // go vet / go fix: -V=full, -flags, or a unit .cfg file
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
		case "V", "flags":
			return modeProtocol
		}
	}
	return modeStandalone
}

// rawEnv, when set, makes the standalone driver print the x/tools
// checker's output unfiltered. runFiltered sets it for its child.
const rawEnv = "TEARDOWN_RAW"

// runFiltered runs the standalone driver in a child process and filters
// its stderr, because the x/tools checker follows every package error
// with one line per analyzer per dependent package ("lingerzero: failed
// prerequisites: connflow@p", "connflow: analysis skipped due to errors
// in package"), which buries the errors that matter. It keeps every other
// line, rewrites the position "-" of package-level errors (a pattern that
// matches no files) as "teardown", and turns the multichecker's
// no-packages banner into one line and exit code 2. The child's stdout
// and exit code are passed through.
func runFiltered(args []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
		return 1
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), rawEnv+"=1")
	cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	noPackages, dropped, kept := filterStderr(stderr, os.Stderr)
	err = cmd.Wait()
	signal.Stop(sigs)
	code := cmd.ProcessState.ExitCode()
	if code < 0 { // killed by a signal
		fmt.Fprintf(os.Stderr, "teardown: %v\n", err)
		return 1
	}
	switch {
	case noPackages && code == 1:
		fmt.Fprintln(os.Stderr, "teardown: no packages to analyze (usage: teardown [flags] packages; run 'teardown help')")
		return 2
	case code != 0 && kept == 0:
		// Never fail silently: show what was filtered out.
		for _, l := range dropped {
			fmt.Fprintln(os.Stderr, l)
		}
	}
	return code
}

// filterStderr copies the checker's stderr from r to w, line by line,
// without the derived "failed prerequisites" lines. It reports whether
// the multichecker printed its no-packages banner (which it swallows),
// the lines it dropped, and how many it kept.
func filterStderr(r io.Reader, w io.Writer) (noPackages bool, dropped []string, kept int) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case noPackages:
			// The rest of the banner.
		case strings.HasSuffix(line, " is a tool for static analysis of Go programs."):
			noPackages = true
		case derivedError(line):
			dropped = append(dropped, line)
		default:
			if rest, ok := strings.CutPrefix(line, "-: "); ok {
				line = "teardown: " + rest
			}
			fmt.Fprintln(w, line)
			kept++
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(w, "teardown: reading the driver's output: %v\n", err)
		io.Copy(w, r)
		kept++
	}
	return noPackages, dropped, kept
}

// derivedError reports whether a line is an analyzer error that only
// repeats that a package had errors, which the driver has printed already.
func derivedError(line string) bool {
	name, msg, ok := strings.Cut(line, ": ")
	if !ok || name == "" || strings.IndexFunc(name, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_')
	}) >= 0 {
		return false // not an analyzer name: a position, say
	}
	return strings.HasPrefix(msg, "failed prerequisites: ") || msg == "analysis skipped due to errors in package"
}
