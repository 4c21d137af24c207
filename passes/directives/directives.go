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
	"go/token"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/directive"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/internal/suite"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer checks the directives against the rules of the default suite.
var Analyzer = New(connflow.Analyzer, suite.Rules()...)

// New returns a directives analyzer that judges directives against the
// given rule analyzers and the connflow analyzer model they require (its
// budget notes are ignored with //teardown:ignore budget). A driver that
// builds its own suite, like the golangci-lint plugin, passes its own.
func New(model *analysis.Analyzer, rules ...*analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:       "directives",
		Doc:        "directives: report malformed //teardown: directives and directives that suppress nothing\n\nA //teardown:ignore RULE[,RULE] reason or //teardown:abort reason directive needs a reason. One without a reason, one naming an unknown rule, and one that matched no finding are reported.",
		URL:        "https://github.com/teardownlint/teardown/blob/main/docs/suppression.md",
		Requires:   append([]*analysis.Analyzer{model}, rules...),
		ResultType: reflect.TypeFor[struct{}](),
		Run:        func(pass *analysis.Pass) (any, error) { return run(pass, model, rules) },
	}
}

// run reports the malformed directives, and those that suppressed or
// justified nothing for the rules that honour them (an ignore's named
// rules; a verb's rules, Doc.Verb).
func run(pass *analysis.Pass, model *analysis.Analyzer, rules []*analysis.Analyzer) (any, error) {
	used := map[string]map[token.Pos]bool{ // rule -> directives it used
		directive.Budget: pass.ResultOf[model].(*connflow.Result).Used,
	}
	verbs := map[string]*lint.Verb{} // verb -> what it justifies
	owners := map[string][]string{}  // verb -> rules that honour it
	for _, a := range rules {
		o := pass.ResultOf[a].(*lint.Outcome)
		used[o.Rule] = o.Used
		if d := lint.Rule(o.Rule); d != nil && d.Verb != nil {
			verbs[d.Verb.Name] = d.Verb
			owners[d.Verb.Name] = append(owners[d.Verb.Name], o.Rule)
		}
	}
	var names []string
	for _, a := range rules {
		names = append(names, a.Name)
	}
	names = append(names, directive.Budget)
	for _, d := range directive.Parse(pass.Fset, pass.Files, names) {
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
		default:
			if v := verbs[d.Verb]; v != nil && !usedBy(used, owners[d.Verb], d.Pos) {
				pass.Report(analysis.Diagnostic{Pos: d.Pos, Category: "directives",
					Message: "this //teardown:" + d.Verb + " directive justifies no " + v.Justifies + "; remove it"})
			}
		}
	}
	return struct{}{}, nil
}

// usedBy reports whether one of the rules used the directive at pos.
func usedBy(used map[string]map[token.Pos]bool, rules []string, pos token.Pos) bool {
	for _, r := range rules {
		if used[r][pos] {
			return true
		}
	}
	return false
}
