// Command ssafloor is the SSA floor of the benchmark: a do-nothing
// analyzer that requires buildssa, as most SSA-based linters (bodyclose,
// and staticcheck's checks) do. It declares no fact, so the checker
// analyzes only the named packages (dependencies come from export data)
// and builds SSA for every function of every named package.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
	"golang.org/x/tools/go/analysis/passes/buildssa"
)

var Analyzer = &analysis.Analyzer{
	Name:     "ssafloor",
	Doc:      "ssafloor: requires buildssa and does nothing with it",
	Requires: []*analysis.Analyzer{buildssa.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		_ = pass.ResultOf[buildssa.Analyzer]
		return nil, nil
	},
}

func main() { multichecker.Main(Analyzer) }
