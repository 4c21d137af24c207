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
var Analyzer = New(connflow.Analyzer)

// New returns a writeclose analyzer over the connflow analyzer model, with
// its own flags.
func New(model *analysis.Analyzer) *analysis.Analyzer {
	var helper string
	a := lint.NewAnalyzer(model, doc, func(p *lint.Pass) { run(p, helper) })
	a.Flags.Init(doc.Name, flag.ContinueOnError)
	a.Flags.StringVar(&helper, "helper", "", "graceful-close helper the suggested fix calls, as IMPORTPATH.Func (signature func(net.Conn) error)")
	return a
}

// verdict judges one path to a Close: it returns the last write that is
// not followed by an end of the peer's sending, or nil if the path is fine.
func verdict(p connflow.Path) *connflow.Event {
	c, h := p.Conn, p.Events
	lw := h.Last(connflow.Write)
	if lw < 0 {
		return nil
	}
	last := h[lw]
	switch {
	case h.After(lw, connflow.Failed, connflow.Dup):
		return nil // the write failed, or Close does not end the conn
	case h.After(lw, connflow.Close):
		return nil // already closed: this Close does nothing (the first one is judged)
	case lint.Abortive(h):
		return nil // SetLinger(0): the RST is the point (lingerzero judges the setting)
	case h.After(lw, connflow.NoHalf):
		return nil // the conn cannot be half-closed: without a FIN the peer need not finish, so no drain can be asked
	case h.After(lw, connflow.Abort):
		return nil // a deliberate abort: a copy failed or the context is done; the clean path is judged
	case last.Concurrent:
		// A proxy: a goroutine started here copies into the conn. Once
		// every goroutine that uses the conn has finished, the Close is
		// judged by what they did: fine when one of them read the conn
		// to EOF (the peer has finished sending, nothing can turn the
		// Close into RST), whether or not the copies half-closed.
		if c.ConcurrentDrain && c.Joined(h, lw) {
			return nil
		}
		return last
	case h.After(lw, connflow.ReadEOF, connflow.Read):
		return nil // drained, or the peer answered: it has what was written
	case h.Before(lw, connflow.ReadEOF):
		return nil // the peer had finished sending: nothing can arrive to turn Close into RST
	case (c.ConcurrentDrain || c.ConcurrentRead) && c.Joined(h, lw):
		return nil // a goroutine that read the conn (to EOF, or a reply) has finished
	case c.ReadLoop() && h.After(lw, connflow.CloseWrite):
		// An object's read loop reads the conn: after the half-close it
		// reads the peer's rest to EOF. Whether the method waits for it
		// before the Close is not in the model; the method did what it
		// can do on its own (docs/design.md, "Objects a goroutine uses").
		return nil
	case connflow.SameCall(last, p.At):
		return nil // a helper writes and closes: it is judged on its own
	}
	return last
}

// goroutineVerdict judges a Close that a goroutine started here does
// after writing the conn itself (a proxy's copy goroutine that closes its
// destination): wrong when another goroutine, started on the same paths,
// reads the conn and the closing goroutine did not wait for it.
func goroutineVerdict(p connflow.Path) *connflow.Event {
	h := p.Events
	lw := h.Last(connflow.Write)
	if lw < 0 || !h[lw].Concurrent || h[lw].Instr != p.At.Instr || !p.Conn.ReadByOtherGoroutine(p.At.Instr) {
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

// halfClosed reports whether the finding's path half-closed the conn
// after its last write (in this function, not in a copy goroutine).
func halfClosed(f lint.Finding) bool {
	return f.Events.After(f.Events.Last(connflow.Write), connflow.CloseWrite) && !f.Culprit.Concurrent
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

// judge judges a path to a Close in this function, or inside a goroutine
// it started: a function that owns its conn parameter is judged on its
// own; a closure's Close is judged here, as one copy of a proxy.
func judge(p connflow.Path) *connflow.Event {
	switch {
	case !p.At.Concurrent:
		return verdict(p)
	case p.At.CalleeOwns:
		return nil
	}
	return goroutineVerdict(p)
}

func run(p *lint.Pass, helper string) {
	rule := lint.CloseRule{
		Judges:     func(c *connflow.Conn) bool { return !oneWay(c) },
		Concurrent: true,
		Verdict:    judge,
		Need: func(f lint.Finding) int {
			if halfClosed(f) {
				return 0 // the fix only drains
			}
			return 1 // the fix half-closes and drains
		},
	}
	p.JudgeCloses(rule, func(f lint.Finding) {
		if f.At.Concurrent {
			p.Report(analysis.Diagnostic{
				Pos: f.At.Pos,
				Message: "conn is closed inside this goroutine once its write into the conn ends, while another goroutine may still be using it: " +
					"the peer's unsent data is cut off or reset; CloseWrite when the copy ends, " +
					"and Close only after every copy has finished",
			})
			return
		}
		report(p, f.Conn, f.At, f.Culprit, halfClosed(f), helper)
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
	if c.ReadLoop() {
		// A goroutine the package starts on the conn's object reads it at
		// any time: no edit here can wait for it to reach EOF.
		p.Report(analysis.Diagnostic{
			Pos: close.Pos,
			Message: fmt.Sprintf("conn is %s after a write (line %d) %s while another goroutine reads it: unread or late data turns Close into RST, "+
				"and the peer may lose what was written; CloseWrite, let the reading goroutine reach EOF, then Close", what, line, missing),
		})
		return
	}
	d := analysis.Diagnostic{
		Pos: close.Pos,
		Message: fmt.Sprintf("conn is %s after a write (line %d) %s: unread or late data turns Close into RST, "+
			"and the peer may lose what was written; CloseWrite, read to EOF under a deadline, then Close", what, line, missing),
	}
	if site, ok := fix.SiteOf(p, close); ok {
		readers := c.ReadConcurrentlyBefore(close)
		g := fix.Graceful{CloseWrite: !halfClosed, Drain: !readers, Helper: helper}
		msg := "Half-close, drain under a deadline, then Close"
		if readers {
			msg = "Half-close before Close (another goroutine reads this conn, so no drain here)"
		}
		if f, ok := fix.GracefulClose(p, site, g, msg); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
	}
	p.Report(d)
}
