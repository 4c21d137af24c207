package main

// teardown help [RULE]

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

// helpWidth is the width help text is wrapped to.
const helpWidth = 80

// help prints the overview (no args) or the documentation of each rule
// or analyzer named. It returns the exit code: 2 if a name is unknown.
func help(stdout, stderr io.Writer, args []string) int {
	if len(args) == 0 {
		helpOverview(stdout)
		return 0
	}
	status := 0
	for i, name := range args {
		a := findAnalyzer(name)
		if a == nil {
			var names []string
			for _, a := range analyzer.Analyzers() {
				names = append(names, a.Name)
			}
			fmt.Fprintf(stderr, "teardown: unknown rule %q (known: %s)\n", name, strings.Join(names, ", "))
			status = 2
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		helpAnalyzer(stdout, a)
	}
	return status
}

func findAnalyzer(name string) *analysis.Analyzer {
	for _, a := range analyzer.Analyzers() {
		if a.Name == name {
			return a
		}
	}
	return nil
}

func helpOverview(w io.Writer) {
	fmt.Fprint(w, `teardown finds connection-teardown bugs: Close calls that send RST instead
of FIN and lose data, and SO_LINGER settings that cause them.

Usage:
  teardown [flags] packages           analyze (exit 3 when there are findings)
  teardown -fix [-diff] packages      apply (or print) the suggested fixes
  teardown -format=sarif packages     write SARIF 2.1.0 for code scanning
  teardown help RULE                  document one rule and its flags
  go vet -vettool=$(which teardown) packages    (exit 1 on findings)

Rules:
`)
	for _, a := range analyzer.Rules() {
		d := lint.Rule(a.Name)
		head := fmt.Sprintf("  %-15s %-9s", a.Name, d.Severity)
		fmt.Fprint(w, wrapHanging(d.Title, head, strings.Repeat(" ", len(head)), helpWidth))
	}
	fmt.Fprint(w, `
Two more analyzers run with them: directives reports malformed or stale
//teardown: directives, and connflow (the connection model) notes where a
size budget left a function unchecked.

Flags:
`)
	for _, f := range driverFlags {
		printFlag(w, f.name, f.arg, f.usage, "")
	}
	printFlag(w, "RULE", "", "-RULE=false disables a rule (or directives, connflow); naming rules with -RULE runs only those", "")
	for _, a := range analyzer.Analyzers() {
		a.Flags.VisitAll(func(f *flag.Flag) {
			printFlag(w, a.Name+"."+f.Name, flagArg(f), f.Usage, f.DefValue)
		})
	}
	fmt.Fprint(w, `
Suppress a finding with //teardown:ignore RULE reason on its line or the line
above; a directive without a reason, or that suppresses nothing, is reported
(by the directives analyzer).

A run with nothing changed since the same command line ran replays that
run's outcome from a cache (TEARDOWN_CACHE=DIR, or off; default teardown/
in the user cache directory).

Exit codes: 0 no findings, 1 analysis failed, 2 usage error, 3 findings
(with -fix: findings left). Notes never change the exit code. Under go vet:
1 when there are findings; notes are lines on standard error there (exit
0). See docs/usage.md.
`)
}

// printFlag prints one flag of the list: its name and argument on one
// line, its usage wrapped and indented below.
func printFlag(w io.Writer, name, arg, usage, def string) {
	head := "  -" + name
	if arg != "" {
		head += " " + arg
	}
	if def != "" && def != "false" && def != "0" && def != `""` {
		usage += fmt.Sprintf(" (default %s)", def)
	}
	fmt.Fprintln(w, head)
	fmt.Fprint(w, wrap(usage, "    \t", helpWidth))
}

// flagArg names the argument of an analyzer flag: none for a bool.
func flagArg(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	name, _ := flag.UnquoteUsage(f)
	return name
}

// helpAnalyzer prints the documentation of an analyzer: for a rule, its
// page rendered for a terminal (prose wrapped, code indented); for the
// others, their Doc. It ends with the flags and the page's URL.
func helpAnalyzer(w io.Writer, a *analysis.Analyzer) {
	d := lint.Rule(a.Name)
	if d == nil {
		first, rest, _ := strings.Cut(strings.TrimSpace(a.Doc), "\n")
		fmt.Fprintf(w, "%s\n\n", first)
		for _, p := range strings.Split(strings.TrimSpace(rest), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				fmt.Fprintln(w, wrap(strings.Join(strings.Fields(p), " "), "", helpWidth))
			}
		}
	} else {
		fmt.Fprintf(w, "%s: %s\n\n", d.Name, d.Title)
		section := func(head, body, code string) {
			if strings.TrimSpace(body) == "" && strings.TrimSpace(code) == "" {
				return
			}
			fmt.Fprintf(w, "%s\n\n", head)
			if strings.TrimSpace(body) != "" {
				fmt.Fprintf(w, "%s\n\n", prose(body, "  "))
			}
			if strings.TrimSpace(code) != "" {
				fmt.Fprintln(w, indentCode(code, "    "))
			}
		}
		section("Why", d.Why, "")
		section("Reported", "", d.Before)
		section("Suggested fix", d.Fix, d.After)
		section("Not reported", d.NotReport, "")
		section("Justifying or suppressing a finding", d.Justify, "")
		fmt.Fprintf(w, "Severity: %s. Since: %s.\n\n", d.Severity, d.Since)
	}
	var flags []*flag.Flag
	a.Flags.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		fmt.Fprint(w, "Flags\n\n")
		for _, f := range flags {
			printFlag(w, a.Name+"."+f.Name, flagArg(f), f.Usage, f.DefValue)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Documentation: %s\n", a.URL)
}

// prose wraps Markdown paragraphs and list items, each line indented.
func prose(text, indent string) string {
	var b strings.Builder
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		// A paragraph is either running text or a list of "- " items.
		lines := strings.Split(para, "\n")
		if !strings.HasPrefix(strings.TrimSpace(lines[0]), "- ") {
			b.WriteString(wrap(strings.Join(strings.Fields(para), " "), indent, helpWidth))
			continue
		}
		var items []string
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if item, ok := strings.CutPrefix(l, "- "); ok {
				items = append(items, item)
			} else if len(items) > 0 {
				items[len(items)-1] += " " + l
			}
		}
		for _, it := range items {
			b.WriteString(wrapHanging(strings.Join(strings.Fields(it), " "), indent+"- ", indent+"  ", helpWidth))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// indentCode indents every non-blank line of a code example by indent,
// keeping the example's own indentation.
func indentCode(code, indent string) string {
	lines := strings.Split(strings.Trim(code, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = indent + strings.ReplaceAll(l, "\t", "    ")
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// wrap wraps text to width columns (a tab in indent counts as 8), each
// line starting with indent.
func wrap(text, indent string, width int) string {
	return wrapHanging(text, indent, indent, width)
}

func wrapHanging(text, first, rest string, width int) string {
	var b strings.Builder
	line := first
	empty := true
	cols := func(s string) int { return len(s) + 7*strings.Count(s, "\t") }
	for _, word := range strings.Fields(text) {
		if !empty && cols(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}
