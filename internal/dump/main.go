//go:build ignore

// Command dump prints teardown's connection model of packages (a
// debugging aid: go run internal/dump/main.go PATTERN).
package main

import (
	"fmt"
	"os"
	"reflect"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/teardownlint/teardown/passes/connflow"
)

var dump = &analysis.Analyzer{
	Name:       "dump",
	Doc:        "dump: print the connection model",
	Requires:   []*analysis.Analyzer{connflow.Analyzer},
	ResultType: reflect.TypeFor[struct{}](),
	Run: func(pass *analysis.Pass) (any, error) {
		res := pass.ResultOf[connflow.Analyzer].(*connflow.Result)
		for _, f := range res.Funcs {
			fmt.Fprintf(os.Stdout, "func %s\n", f.SSA)
			for _, c := range f.Conns {
				fmt.Fprintf(os.Stdout, "  conn %d %v origin=%d type=%v escaped=%q overflow=%v drain=%v\n", c.ID, c.Value, c.Origin, c.Type, c.Escaped, c.Overflow, c.ConcurrentDrain)
				for _, e := range c.Events {
					fmt.Fprintf(os.Stdout, "    ev %d %s at %v via=%q def=%v reason=%q instr=%v\n", e.ID, e.Kind, pass.Fset.Position(e.Pos), e.Via, e.Deferred, e.Reason, e.Instr)
					for _, h := range c.Reaching[e] {
						fmt.Fprintf(os.Stdout, "      <- %s\n", h)
					}
				}
			}
		}
		return struct{}{}, nil
	},
}

func main() { singlechecker.Main(dump) }
