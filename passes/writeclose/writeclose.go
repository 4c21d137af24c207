package writeclose

import (
	"flag"
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports a Close reached after writes without CloseWrite and a drain.
var Analyzer = New()

// New returns a fresh writeclose analyzer with its own flags.
func New() *analysis.Analyzer {
	var helper string
	a := lint.NewAnalyzer(doc, func(p *lint.Pass) { run(p, helper) })
	a.Flags.Init(doc.Name, flag.ContinueOnError)
	a.Flags.StringVar(&helper, "helper", "", "graceful-close helper the suggested fix calls, as IMPORTPATH.Func (signature func(net.Conn) error)")
	return a
}

// verdict judges one path to a Close: it returns the last write that is
// not followed by an end of the peer's sending, or nil if the path is fine.
func verdict(c *connflow.Conn, h connflow.History, close *connflow.Event) *connflow.Event {
	lw := h.LastIndex(connflow.Write)
	if lw < 0 {
		return nil
	}
	last := h[lw]
	switch {
	case h.Has(lw+1, connflow.Failed), h.Has(lw+1, connflow.Dup):
		return nil // the write failed, or Close does not end the conn
	case h.Has(lw+1, connflow.Close):
		return nil // already closed: this Close does nothing (the first one is judged)
	case lint.Abortive(h):
		return nil // SetLinger(0): the RST is the point (lingerzero judges the setting)
	case last.Concurrent:
		// A proxy: a goroutine started here copies into the conn. Fine
		// when that goroutine half-closes after its copy, another one
		// reads the conn to EOF, and the function waited for them all.
		if halfClosedBy(h, lw, last.Instr) && c.ConcurrentDrain && c.Joined(h, lw+1) {
			return nil
		}
		return last
	case h.Has(lw+1, connflow.ReadEOF), h.Has(lw+1, connflow.Read):
		return nil // drained, or the peer answered: it has what was written
	case h[:lw].LastIndex(connflow.ReadEOF) >= 0:
		return nil // the peer had finished sending: nothing can arrive to turn Close into RST
	case (c.ConcurrentDrain || c.ConcurrentRead) && c.Joined(h, lw+1):
		return nil // a goroutine that read the conn (to EOF, or a reply) has finished
	case connflow.SameCall(last, close):
		return nil // a helper writes and closes: it is judged on its own
	}
	return last
}

// goroutineVerdict judges a Close that a goroutine started here does
// after writing the conn itself (a proxy's copy goroutine that closes its
// destination): wrong when another goroutine, started on the same paths,
// reads the conn and the closing goroutine did not wait for it.
func goroutineVerdict(c *connflow.Conn, h connflow.History, close *connflow.Event) *connflow.Event {
	lw := h.LastIndex(connflow.Write)
	if lw < 0 || !h[lw].Concurrent || h[lw].Instr != close.Instr || !c.ReadByOtherGoroutine(close.Instr) {
		return nil
	}
	for _, e := range h[lw+1:] {
		switch e.Kind {
		case connflow.Failed, connflow.Dup, connflow.Close, connflow.Join, connflow.JoinAll, connflow.ReadEOF:
			return nil
		}
	}
	if lint.Abortive(h) {
		return nil
	}
	return h[lw]
}

// halfClosedBy reports whether a CloseWrite follows h[lw] in the same
// goroutine (the same go statement).
func halfClosedBy(h connflow.History, lw int, goStmt any) bool {
	for _, e := range h[lw+1:] {
		if e.Kind == connflow.CloseWrite && e.Concurrent && e.Instr == goStmt {
			return true
		}
	}
	return false
}

// oneWay reports whether the conn is an output stream this function
// opened and never reads: a client that reads nothing at all from the
// peer speaks a one-way protocol (an upload, a log stream), where no
// data comes back to turn Close into RST. On real modules all such
// findings were false positives (docs/evaluation.md, class P).
func oneWay(c *connflow.Conn) bool {
	if c.Origin != connflow.FromCall || c.Accepted || c.ConcurrentRead {
		return false
	}
	for _, e := range c.Events {
		if e.Kind == connflow.Read || e.Kind == connflow.ReadEOF {
			return false
		}
	}
	return true
}

func run(p *lint.Pass, helper string) {
	keep := func(c *connflow.Conn) bool { return !oneWay(c) }
	judge := func(c *connflow.Conn, h connflow.History, close *connflow.Event) *connflow.Event {
		if close.Concurrent {
			// A Close inside a goroutine started here: a function that owns
			// its conn parameter is judged on its own; a closure's is judged
			// here, as one copy of a proxy.
			if close.CalleeOwns {
				return nil
			}
			return goroutineVerdict(c, h, close)
		}
		return verdict(c, h, close)
	}
	p.Closes(keep, true, judge, func(f lint.CloseFinding) {
		if f.Close.Concurrent {
			p.Report(analysis.Diagnostic{
				Pos: f.Close.Pos,
				Message: "conn is closed inside this goroutine once its write into the conn ends, while another goroutine may still be using it: " +
					"the peer's unsent data is cut off or reset; CloseWrite when the copy ends, " +
					"and Close only after every copy has finished",
			})
			return
		}
		halfClosed := f.Path.Has(f.Path.LastIndex(connflow.Write)+1, connflow.CloseWrite) && !f.Culprit.Concurrent
		report(p, f.Conn, f.Close, f.Culprit, halfClosed, helper)
	})
}

func report(p *lint.Pass, c *connflow.Conn, close, last *connflow.Event, halfClosed bool, helper string) {
	if last.Concurrent {
		// No automatic edit can make a proxy wait for both of its copies;
		// the message says what to change. See docs/rules/writeclose.md.
		p.Report(analysis.Diagnostic{
			Pos: close.Pos,
			Message: fmt.Sprintf("conn is closed while a goroutine started at line %d may still be copying into it: "+
				"the peer's unsent data is cut off or reset; in each copy goroutine CloseWrite the destination when its copy ends, "+
				"and Close only after every copy has finished", p.Fset.Position(last.Pos).Line),
		})
		return
	}
	what := "closed"
	if close.Via != "" {
		what = "closed by " + close.Via
	}
	missing := "without CloseWrite and a drain"
	if halfClosed {
		missing = "after CloseWrite but without a drain"
	}
	line := p.Fset.Position(last.Pos).Line
	d := analysis.Diagnostic{
		Pos: close.Pos,
		Message: fmt.Sprintf("conn is %s after a write (line %d) %s: unread or late data turns Close into RST, "+
			"and the peer may lose what was written; CloseWrite, read to EOF under a deadline, then Close", what, line, missing),
	}
	if site, ok := fix.SiteOf(p, close); ok {
		g := fix.Graceful{CloseWrite: !halfClosed, Drain: !c.ConcurrentRead, Helper: helper}
		msg := "Half-close, drain under a deadline, then Close"
		if c.ConcurrentRead {
			msg = "Half-close before Close (another goroutine reads this conn, so no drain here)"
		}
		if f, ok := fix.GracefulClose(p, site, g, msg); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
	}
	p.Report(d)
}
