// Package suite is the list of teardown's rules: the one place a rule is
// added. The drivers (analyzer.Rules, the golangci-lint plugin), the
// directives analyzer, docs/ and the evaluation scripts take theirs from
// here.
package suite

import (
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/passes/lingerblock"
	"github.com/teardownlint/teardown/passes/lingerzero"
	"github.com/teardownlint/teardown/passes/unflushedclose"
	"github.com/teardownlint/teardown/passes/unreadclose"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// A rule is one rule of the suite: its package's analyzer (over
// connflow.Analyzer) and its constructor over another connflow analyzer.
type rule struct {
	analyzer *analysis.Analyzer
	new      func(model *analysis.Analyzer) *analysis.Analyzer
}

// rules are the rules, in the order of the documentation.
var rules = []rule{
	{writeclose.Analyzer, writeclose.New},
	{unreadclose.Analyzer, unreadclose.New},
	{unflushedclose.Analyzer, unflushedclose.New},
	{lingerzero.Analyzer, lingerzero.New},
	{lingerblock.Analyzer, lingerblock.New},
}

// Rules returns the rule analyzers of the default suite (over
// connflow.Analyzer), in the order of the documentation.
func Rules() []*analysis.Analyzer {
	out := make([]*analysis.Analyzer, len(rules))
	for i, r := range rules {
		out[i] = r.analyzer
	}
	return out
}

// NewRules returns fresh rule analyzers, with their own flags, over the
// connflow analyzer model, in the order of the documentation.
func NewRules(model *analysis.Analyzer) []*analysis.Analyzer {
	out := make([]*analysis.Analyzer, len(rules))
	for i, r := range rules {
		out[i] = r.new(model)
	}
	return out
}

// Names returns the rule names, in the order of the documentation.
func Names() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.analyzer.Name
	}
	return out
}
