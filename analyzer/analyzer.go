// Package analyzer is the teardown suite: the list of rules that every
// driver (cmd/teardown, go vet -vettool, the golangci-lint plugin, nogo)
// runs.
package analyzer

import (
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/directives"
	"github.com/teardownlint/teardown/passes/lingerblock"
	"github.com/teardownlint/teardown/passes/lingerzero"
	"github.com/teardownlint/teardown/passes/unflushedclose"
	"github.com/teardownlint/teardown/passes/unreadclose"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// Rules returns the rule analyzers, in the order of the documentation.
func Rules() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		writeclose.Analyzer,
		unreadclose.Analyzer,
		unflushedclose.Analyzer,
		lingerzero.Analyzer,
		lingerblock.Analyzer,
	}
}

// Analyzers returns every analyzer a driver runs: the rules, the
// directives checker, and connflow, the model, which reports where its
// budgets left code unanalyzed.
func Analyzers() []*analysis.Analyzer {
	return append(Rules(), directives.Analyzer, connflow.Analyzer)
}
