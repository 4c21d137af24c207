// Package analyzer is the teardown suite: the list of rules that every
// driver (cmd/teardown, go vet -vettool, the golangci-lint plugin, nogo)
// runs.
package analyzer

import (
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/suite"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/directives"
)

// Rules returns the rule analyzers, in the order of the documentation.
func Rules() []*analysis.Analyzer { return suite.Rules() }

// Analyzers returns every analyzer a driver runs: the rules, the
// directives checker, and connflow, the model, which reports where its
// budgets left code unanalyzed.
func Analyzers() []*analysis.Analyzer {
	return append(Rules(), directives.Analyzer, connflow.Analyzer)
}

// NewSuite returns a fresh suite, in the order of Analyzers: rules with their
// own flags over a connflow analyzer with its own configuration (cfg,
// then its flags), and a directives analyzer over those rules. Nothing
// is shared with another suite or with the default one.
func NewSuite(cfg connflow.Config) []*analysis.Analyzer {
	model := connflow.New(cfg)
	rules := suite.NewRules(model)
	return append(rules, directives.New(model, rules...), model)
}
