// Command vettool is teardown (every analyzer of its suite, with their
// defaults) plus the evaluation's probe (scripts/eval/truth/probe), as
// one go vet tool. scripts/eval/truth.sh runs it: the rules' findings and
// the probe's records of the model come from one analysis of each package.
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/scripts/eval/truth/probe"
)

func main() {
	multichecker.Main(append(analyzer.Analyzers(), probe.Analyzer)...)
}
