// Package directives defines an Analyzer that keeps teardown's
// suppression directives honest.
//
// # Analyzer directives
//
// directives: report malformed //teardown: directives and directives that suppress nothing
//
// A //teardown:ignore RULE reason or //teardown:abort reason directive
// needs a reason; one without, one naming an unknown rule, and one that
// matched no finding are reported, so that stale suppressions do not
// accumulate (staticcheck's semantics).
package directives

import (
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/lingerblock"
	"github.com/teardownlint/teardown/passes/lingerzero"
	"github.com/teardownlint/teardown/passes/unflushedclose"
	"github.com/teardownlint/teardown/passes/unreadclose"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// Rules are the analyzers whose directives are checked. The suite adds
// each rule here.
var Rules = []*analysis.Analyzer{
	writeclose.Analyzer, unreadclose.Analyzer, unflushedclose.Analyzer, lingerzero.Analyzer, lingerblock.Analyzer,
}

// Analyzer checks the directives against the package-level rule analyzers.
var Analyzer = New(Rules...)

// New returns a directives analyzer that judges directives against the
// given rule analyzers (a driver that builds its own rule instances, like
// the golangci-lint plugin, passes them here).
func New(rules ...*analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:       "directives",
		Doc:        "directives: report malformed //teardown: directives and directives that suppress nothing\n\nA //teardown:ignore RULE[,RULE] reason or //teardown:abort reason directive needs a reason. One without a reason, one naming an unknown rule, and one that matched no finding are reported.",
		URL:        "https://github.com/teardownlint/teardown/blob/main/docs/suppression.md",
		Requires:   rules,
		ResultType: reflect.TypeFor[struct{}](),
		Run:        func(pass *analysis.Pass) (any, error) { return run(pass, rules) },
	}
}

func run(pass *analysis.Pass, rules []*analysis.Analyzer) (any, error) {
	used := map[string]map[any]bool{}
	for _, a := range rules {
		o := pass.ResultOf[a].(*lint.Outcome)
		m := map[any]bool{}
		for pos := range o.Used {
			m[pos] = true
		}
		used[o.Rule] = m
	}
	for _, d := range lint.ParseDirectives(pass.Fset, pass.Files) {
		if d.Malformed != "" {
			pass.Report(analysis.Diagnostic{Pos: d.Pos, Category: "directives", Message: d.Malformed})
			continue
		}
		switch d.Verb {
		case "ignore":
			var stale []string
			for _, r := range d.Rules {
				if !used[r][d.Pos] {
					stale = append(stale, r)
				}
			}
			if len(stale) > 0 {
				pass.Report(analysis.Diagnostic{Pos: d.Pos, Category: "directives",
					Message: "this //teardown:ignore directive suppresses no " + strings.Join(stale, " or ") + " finding; remove it"})
			}
		case "abort":
			if !used["lingerzero"][d.Pos] {
				pass.Report(analysis.Diagnostic{Pos: d.Pos, Category: "directives",
					Message: "this //teardown:abort directive justifies no SetLinger(0) or SO_LINGER {1, 0}; remove it"})
			}
		}
	}
	return struct{}{}, nil
}
