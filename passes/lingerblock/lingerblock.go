package lingerblock

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports SO_LINGER with a proven positive timeout.
var Analyzer = New(connflow.Analyzer)

// New returns a lingerblock analyzer over the connflow analyzer model.
func New(model *analysis.Analyzer) *analysis.Analyzer { return lint.NewAnalyzer(model, doc, run) }

func run(p *lint.Pass) {
	for _, op := range p.Model.Lingers {
		p.Enter(op.Fn)
		v := op.Value
		if !v.Known || !v.On || v.Secs <= 0 {
			continue
		}
		what := fmt.Sprintf("SetLinger(%d)", v.Secs)
		if op.Raw {
			what = fmt.Sprintf("SO_LINGER {Onoff: 1, Linger: %d}", v.Secs)
		}
		if op.Via != "" {
			what += " through " + op.Via
		}
		d := analysis.Diagnostic{
			Pos: op.Pos,
			Message: fmt.Sprintf("%s makes Close block for up to %d s on Linux and delivers nothing a plain Close would not: "+
				"when the time runs out the kernel keeps sending anyway; remove it", what, v.Secs),
		}
		if f, ok := fix.UndoLinger(p, op); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
		p.Report(d)
	}
}
