package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

// TestRulesUpToDate fails when a committed docs/rules page differs from
// what the rules' metadata produces, or when a page is missing or stale.
func TestRulesUpToDate(t *testing.T) {
	pages, err := Pages()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "rules")
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("docs/rules/%s: %v; run go generate ./docs", name, err)
			continue
		}
		if !bytes.Equal(got, pages[name]) {
			t.Errorf("docs/rules/%s differs from the rule's metadata; run go generate ./docs", name)
		}
	}
	committed, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range committed {
		if _, ok := pages[filepath.Base(f)]; !ok {
			t.Errorf("docs/rules/%s is produced by no rule; run go generate ./docs", filepath.Base(f))
		}
	}
}

// TestReadmeRules fails when the rules table of the top-level README.md
// (written by hand) disagrees with the rules' metadata.
func TestReadmeRules(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, a := range analyzer.Rules() {
		d := lint.Rule(a.Name)
		row := "| [" + d.Name + "](docs/rules/" + d.Name + ".md) | " + string(d.Severity) + " | " + cell(d.Title) + " |"
		if !strings.Contains(readme, row) {
			t.Errorf("README.md: the rules table lacks the row\n%s\n(update it from docs/rules/README.md)", row)
		}
	}
}
