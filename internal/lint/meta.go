package lint

import (
	"fmt"
	"strings"
)

// Severity of a rule's findings.
type Severity string

const (
	Error   Severity = "error"   // data is lost or the connection is reset
	Warning Severity = "warning" // a cost or a risk, not a loss
)

// Doc is a rule's documentation, kept as data. Analyzer.Doc, `teardown
// help RULE`, SARIF rule descriptions and the docs/ pages are all
// rendered from it.
type Doc struct {
	Name      string   // the rule name: an interface, never renamed
	Title     string   // one line: what is reported
	Why       string   // the rationale, with measured numbers (Markdown paragraphs)
	Before    string   // Go code the rule reports
	After     string   // the same code after the suggested fix
	Fix       string   // what the suggested fix does
	Justify   string   // how to justify or suppress a finding
	Flags     string   // the rule's flags, if any (Markdown)
	Since     string   // the teardown release that introduced the rule ("the first release" until one is tagged)
	Severity  Severity //
	Evidence  string   // where the measurements come from
	NotReport string   // what the rule deliberately does not report (Markdown list)
	// Verb is a directive verb the rule honours besides ignore, if any:
	// lingerzero's "abort" (//teardown:abort reason).
	Verb *Verb
}

// A Verb is a directive verb that a rule honours besides ignore. The
// directives analyzer reports a directive of the verb that justified
// nothing.
type Verb struct {
	Name      string // the verb: //teardown:NAME reason
	Justifies string // what it justifies, as the stale-directive message says it
}

// URL is the rule's documentation page.
func (d *Doc) URL() string {
	return "https://github.com/teardownlint/teardown/blob/main/docs/rules/" + d.Name + ".md"
}

// AnalyzerDoc is the text of Analyzer.Doc: a first line "name: title"
// (the go/analysis convention) and the plain-text documentation.
// It runs at init in every process, a vet tool's per package included:
// one Join, not a Builder fed by fmt, which cost 2-3 ms of CPU per
// process (perf stat of a one-file package's vet action: 22.4 ms against
// 19.8 ms).
func (d *Doc) AnalyzerDoc() string {
	parts := []string{d.Name + ": " + d.Title}
	section := func(head, body string) {
		if body = strings.TrimSpace(body); body != "" {
			parts = append(parts, head, body)
		}
	}
	section("Why", d.Why)
	section("Reported", indent(d.Before))
	section("Suggested fix: "+d.Fix, indent(d.After))
	section("Not reported", d.NotReport)
	section("Justifying or suppressing a finding", d.Justify)
	section("Flags", d.Flags)
	parts = append(parts, "Severity: "+string(d.Severity)+". Since: "+d.Since+". Documentation: "+d.URL())
	return strings.Join(parts, "\n\n")
}

// Markdown renders the rule's docs/ page.
func (d *Doc) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- Generated from passes/%s/doc.go by `go generate ./docs`. Do not edit. -->\n\n", d.Name)
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", d.Name, d.Title)
	fmt.Fprintf(&b, "| severity | since |\n|---|---|\n| %s | %s |\n\n", d.Severity, d.Since)
	section := func(head, body string) {
		if body = strings.TrimSpace(body); body != "" {
			fmt.Fprintf(&b, "## %s\n\n%s\n\n", head, body)
		}
	}
	section("Why", d.Why)
	section("Reported", "```go\n"+strings.TrimSpace(d.Before)+"\n```")
	section("Suggested fix", d.Fix+"\n\n```go\n"+strings.TrimSpace(d.After)+"\n```")
	section("Not reported", d.NotReport)
	section("Justifying or suppressing a finding", d.Justify)
	section("Flags", d.Flags)
	section("Evidence", d.Evidence)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func indent(code string) string {
	lines := strings.Split(strings.Trim(code, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}
