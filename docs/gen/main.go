// Command gen writes teardown's rule pages, docs/rules/<rule>.md, and
// their index, docs/rules/README.md, from the rules' metadata
// (lint.Doc, declared in passes/<rule>/doc.go). The same metadata is
// Analyzer.Doc and the text of `teardown help RULE`, so the pages and the
// CLI cannot disagree.
//
// Run it with `go generate ./docs` (from the module root). Files in the
// output directory that no rule produces are removed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

func main() {
	dir := flag.String("dir", "rules", "output directory")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("docs/gen: ")
	pages, err := Pages()
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*dir, pages); err != nil {
		log.Fatal(err)
	}
}

// Pages returns the generated files, by name (relative to docs/rules).
func Pages() (map[string][]byte, error) {
	pages := map[string][]byte{}
	var index bytes.Buffer
	index.WriteString(indexHeader)
	for _, a := range analyzer.Rules() {
		d := lint.Rule(a.Name)
		if d == nil {
			return nil, fmt.Errorf("rule %s has no registered lint.Doc", a.Name)
		}
		if d.Name != a.Name {
			return nil, fmt.Errorf("analyzer %s is documented as %s", a.Name, d.Name)
		}
		if d.Title == "" || d.Severity == "" || d.Since == "" {
			return nil, fmt.Errorf("rule %s: the lint.Doc needs a Title, a Severity and a Since", a.Name)
		}
		pages[d.Name+".md"] = []byte(d.Markdown())
		fmt.Fprintf(&index, "| [%s](%s.md) | %s | %s |\n", d.Name, d.Name, d.Severity, cell(d.Title))
	}
	index.WriteString(indexFooter)
	pages["README.md"] = index.Bytes()
	return pages, nil
}

const indexHeader = `<!-- Generated from the rules' metadata by ` + "`go generate ./docs`" + `. Do not edit. -->

# Rules

Each page is generated from the rule's ` + "`lint.Doc`" + ` in ` + "`passes/<rule>/doc.go`" + `;
` + "`teardown help RULE`" + ` prints the same text.

| rule | severity | title |
|---|---|---|
`

const indexFooter = `
The ` + "`directives`" + ` analyzer, which runs with the rules, reports malformed
` + "`//teardown:`" + ` directives and directives that suppress nothing: see
[suppression](../suppression.md).
`

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func write(dir string, pages map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if _, ok := pages[filepath.Base(f)]; !ok {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), pages[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}
