// Command teardown finds connection-teardown bugs: Close calls that send
// RST instead of FIN and lose data, and SO_LINGER settings that make them.
//
// Usage:
//
//	teardown [flags] packages          standalone (exit 3 when there are findings)
//	go vet -vettool=$(which teardown)  as a vet tool (exit 1 when there are findings)
//	go fix -fixtool=$(which teardown)  apply the suggested fixes
//	teardown help [rule]               list the rules, or document one
//
// Exit codes of the standalone driver: 0 no findings; 1 analysis failed
// (load or type errors, internal error); 2 usage error (unknown flag);
// 3 findings reported. See docs/usage.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "help" {
		os.Exit(help(os.Stdout, os.Args[2:]))
	}
	// A bad flag gets one line, not a page of usage.
	flag.CommandLine.SetOutput(prefixWriter{os.Stderr})
	flag.Usage = func() {}
	multichecker.Main(analyzer.Analyzers()...)
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
