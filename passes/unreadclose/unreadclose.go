package unreadclose

import (
	"flag"
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports a Close reached after reads that stopped early.
var Analyzer = New()

// New returns a fresh unreadclose analyzer with its own flags.
func New() *analysis.Analyzer {
	var framed bool
	a := lint.NewAnalyzer(doc, func(p *lint.Pass) { run(p, framed) })
	a.Flags.Init(doc.Name, flag.ContinueOnError)
	a.Flags.BoolVar(&framed, "framed", false, "also report a conn closed after reading a reply to a request written by the same function")
	return a
}

// verdict returns the last read on h that stopped before EOF and is not
// followed by a drain, or nil if the path is fine.
func verdict(c *connflow.Conn, h connflow.History, close *connflow.Event, framed bool) *connflow.Event {
	lr := h.LastIndex(connflow.Read, connflow.ReadEOF)
	if lr < 0 || h[lr].Kind == connflow.ReadEOF {
		return nil
	}
	switch {
	case h.Has(lr+1, connflow.Write), h.Has(lr+1, connflow.Failed), h.Has(lr+1, connflow.Dup), h.Has(lr+1, connflow.Close):
		return nil // writeclose's case, a broken conn, a Close that does not end the conn, or one already closed
	case !framed && !c.Accepted && (h[:lr].LastIndex(connflow.Write) >= 0 || c.InExchangeLoop(h[lr])):
		// A reply to our request, on this path or, in a request-response
		// loop, on the next rounds: the peer is usually done (not for a
		// conn we accepted: a server's banner is no request).
		return nil
	case connflow.SameCall(h[lr], close):
		return nil
	case lint.Abortive(h):
		return nil // SetLinger(0): the RST is the point (lingerzero judges the setting)
	}
	return h[lr]
}

func run(p *lint.Pass, framed bool) {
	keep := func(c *connflow.Conn) bool { return !c.ConcurrentRead } // a goroutine reads it: no verdict, no drain
	judge := func(c *connflow.Conn, h connflow.History, close *connflow.Event) *connflow.Event {
		return verdict(c, h, close, framed)
	}
	p.Closes(keep, false, judge, func(f lint.CloseFinding) {
		closeRead := f.Path.Has(f.Path.LastIndex(connflow.Read)+1, connflow.CloseRead)
		report(p, f.Close, f.Culprit, closeRead)
	})
}

func report(p *lint.Pass, close, read *connflow.Event, closeRead bool) {
	what := "closed"
	if close.Via != "" {
		what = "closed by " + close.Via
	}
	msg := fmt.Sprintf("conn is %s after a read (line %d) that stopped before EOF: if the peer sent more, Close sends RST "+
		"and the peer sees ECONNRESET and loses what it had not read; drain under a deadline before Close",
		what, p.Fset.Position(read.Pos).Line)
	if closeRead {
		msg += " (CloseRead does not prevent the RST on Linux: it discards nothing)"
	}
	d := analysis.Diagnostic{Pos: close.Pos, Message: msg}
	if site, ok := fix.SiteOf(p, close); ok {
		if f, ok := fix.GracefulClose(p, site, fix.Graceful{Drain: true}, "Drain under a deadline, then Close"); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
	}
	p.Report(d)
}
