package probe

// adapter.go is the only file of the truth instruments that reads
// teardown's connection model (passes/connflow). It uses this surface and
// nothing else: connflow.Analyzer; Result.Funcs and Result.Lingers;
// Func.SSA and Func.Conns; Conn.Events, Conn.Unjudged(ev) (and its
// reasons) and Conn.IsStream(); Event.Kind and Event.Pos; the kind
// connflow.Close; and LingerOp.Pos. When the model's
// internals are renamed, this file is the one to follow them.

import (
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/passes/connflow"
)

// modelAnalyzer is the analyzer whose result the probe reads.
var modelAnalyzer = connflow.Analyzer

// A model is the connection model of one package.
type model struct{ res *connflow.Result }

// modelOf returns the model connflow built for the pass's package.
func modelOf(pass *analysis.Pass) model {
	res, _ := pass.ResultOf[modelAnalyzer].(*connflow.Result)
	return model{res}
}

// isStream reports whether the model knows c to be a stream connection
// (and not only an io interface that might be one). The one call to the
// model's predicate, which may be renamed.
func isStream(c *connflow.Conn) bool { return c.IsStream() }

// Reasons a Close is not judged, from the model. Each names one thing the
// model decided; docs/evaluation.md explains them.
const (
	reasonJudged      = "judged"
	reasonNotSelected = "not selected" // no conn modelled in the enclosing function
	reasonNotTracked  = "not tracked"  // the function has conns, none closed here
	reasonHeap        = "loaded from the heap"
	reasonShared      = "shared with a goroutine" // a field a goroutine of the package may use: unflushedclose only
	reasonFreeVar     = "captured by a closure"   // the enclosing function owns it
	reasonOverflow    = "overflow"
	reasonNotConn     = "not a conn type" // tracked only as an io interface
	reasonEscaped     = "escaped: "       // followed by the model's reason
)

// closeState returns the model's verdict on a Close call whose events
// may sit at any of the positions at (the call itself, and the defer, go
// or call statements through which an enclosing closure runs); at[0] is
// the call. A Close is judged when one
// of its events belongs to a conn the model owns (made or received here,
// not escaped, no overflow) and knows to be a stream: exactly the conns
// teardown's Close rules judge. Otherwise the reason is that of the
// conn closest to being judged.
func (m model) closeState(at []token.Pos) string {
	if m.res == nil {
		return reasonNotSelected
	}
	modelled := false
	best := ""
	for _, f := range m.res.Funcs {
		if n := f.SSA.Syntax(); n != nil && n.Pos() <= at[0] && at[0] < n.End() {
			modelled = true // the Close's function, or one around it
		}
		for _, c := range f.Conns {
			for _, ev := range c.Events {
				if ev.Kind != connflow.Close || !containsPos(at, ev.Pos) {
					continue
				}
				r := connReason(c, ev)
				if rank(r) < rank(best) {
					best = r
				}
			}
		}
	}
	switch {
	case best != "":
		return best
	case !modelled:
		return reasonNotSelected
	}
	return reasonNotTracked
}

// connReason says why the model's rules judge the Close ev of c or not:
// the model's own answer (Conn.Unjudged), in the probe's words.
func connReason(c *connflow.Conn, ev *connflow.Event) string {
	switch r := c.Unjudged(ev); r {
	case "":
		return reasonJudged
	case connflow.UnjudgedHeap:
		return reasonHeap
	case connflow.UnjudgedShared:
		return reasonShared
	case connflow.UnjudgedFreeVar:
		return reasonFreeVar
	case connflow.UnjudgedOverflow:
		return reasonOverflow
	case connflow.UnjudgedNotStream:
		return reasonNotConn
	default:
		return reasonEscaped + strings.TrimPrefix(r, connflow.UnjudgedEscaped)
	}
}

// rank orders reasons from judged to furthest from judged; "" is worst.
func rank(r string) int {
	switch {
	case r == reasonJudged:
		return 0
	case r == reasonNotConn:
		return 1
	case strings.HasPrefix(r, reasonEscaped):
		return 2
	case r == reasonOverflow:
		return 3
	case r == reasonFreeVar:
		return 4
	case r == reasonShared:
		return 5
	case r == reasonHeap:
		return 6
	case r == "":
		return 99
	}
	return 7
}

// lingerTracked reports whether the model found an SO_LINGER setting at
// pos (the call's left parenthesis).
func (m model) lingerTracked(pos token.Pos) bool {
	if m.res == nil {
		return false
	}
	for _, op := range m.res.Lingers {
		if op.Pos == pos {
			return true
		}
	}
	return false
}

func containsPos(ps []token.Pos, p token.Pos) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}
