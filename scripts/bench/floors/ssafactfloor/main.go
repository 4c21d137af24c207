// Command ssafactfloor is what teardown's selective SSA avoids: a
// do-nothing analyzer that requires buildssa and declares a fact type, so
// the checker builds SSA for every function of every dependency
// (golang/go#61506). Not one of the two floors of the goal; run.sh runs it
// only when asked (BENCH_TOOLS).
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
	"golang.org/x/tools/go/analysis/passes/buildssa"
)

type fact struct{}

func (*fact) AFact() {}

var Analyzer = &analysis.Analyzer{
	Name:      "ssafactfloor",
	Doc:       "ssafactfloor: requires buildssa and declares a fact type; does nothing",
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	FactTypes: []analysis.Fact{new(fact)},
	Run: func(pass *analysis.Pass) (any, error) {
		_ = pass.ResultOf[buildssa.Analyzer]
		return nil, nil
	},
}

func main() { multichecker.Main(Analyzer) }
