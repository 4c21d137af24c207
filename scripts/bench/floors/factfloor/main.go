// Command factfloor is the fact floor of the benchmark: a do-nothing
// analyzer that declares a fact type. Because of the fact, the checker
// loads every dependency from source (parse and type-check) and runs the
// analyzer on it, as it does for teardown's connflow. Whatever teardown
// costs beyond this is the cost of teardown's own work.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
)

type fact struct{}

func (*fact) AFact() {}

var Analyzer = &analysis.Analyzer{
	Name:      "factfloor",
	Doc:       "factfloor: does nothing, but declares a fact type, so every dependency is loaded from source and visited",
	FactTypes: []analysis.Fact{new(fact)},
	Run:       func(*analysis.Pass) (any, error) { return nil, nil },
}

func main() { multichecker.Main(Analyzer) }
