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
var Analyzer = New(connflow.Analyzer)

// New returns an unreadclose analyzer over the connflow analyzer model,
// with its own flags.
func New(model *analysis.Analyzer) *analysis.Analyzer {
	var framed bool
	a := lint.NewAnalyzer(model, doc, func(p *lint.Pass) { run(p, framed) })
	a.Flags.Init(doc.Name, flag.ContinueOnError)
	a.Flags.BoolVar(&framed, "framed", false, "also report a conn closed after reading a reply to a request written by the same function")
	return a
}

// verdict returns the last read on h that stopped before EOF and is not
// followed by a drain, or nil if the path is fine.
func verdict(p connflow.Path, framed bool) *connflow.Event {
	c, h := p.Conn, p.Events
	lr := h.Last(connflow.Read, connflow.ReadEOF)
	if lr < 0 || h[lr].Kind == connflow.ReadEOF {
		return nil
	}
	switch {
	case h.After(lr, connflow.Write, connflow.Failed, connflow.Dup, connflow.Close):
		return nil // writeclose's case, a broken conn, a Close that does not end the conn, or one already closed
	case !framed && c.Origin == connflow.FromField:
		// An object's conn: the request this read answers may have been
		// written by another method, before this one's history begins.
		return nil
	case !framed && !c.Accepted && !h[lr].Prefix && !h[lr].Rejected && (h.Before(lr, connflow.Write) || c.InExchangeLoop(h[lr])):
		// A reply to our request, on this path or, in a request-response
		// loop, on the next rounds: the peer is usually done (not for a
		// conn we accepted: a server's banner is no request; not for a
		// bounded prefix, io.LimitReader(c, 512), which the code keeps
		// knowing the peer may send more; and not for a reply a helper
		// rejected as malformed, whose rest is unread).
		return nil
	case connflow.SameCall(h[lr], p.At):
		return nil
	case h.After(lr, connflow.Abort):
		return nil // a deliberate abort: the context is done, or a copy failed
	case lint.Abortive(h):
		return nil // SetLinger(0): the RST is the point (lingerzero judges the setting)
	}
	return h[lr]
}

func run(p *lint.Pass, framed bool) {
	rule := lint.CloseRule{
		Judges:  func(c *connflow.Conn) bool { return !c.ConcurrentRead }, // a goroutine reads it: no verdict, no drain
		Verdict: func(path connflow.Path) *connflow.Event { return verdict(path, framed) },
	}
	p.JudgeCloses(rule, func(f lint.Finding) {
		closeRead := f.Events.After(f.Events.Last(connflow.Read), connflow.CloseRead)
		report(p, f.At, f.Culprit, closeRead)
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
