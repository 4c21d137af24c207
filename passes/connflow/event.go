package connflow

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file names what can happen to a connection (Kind), one
// occurrence of it (Event), and the sequence of events on one path
// (History, Path), with the queries the rules ask of them.

// Kind is what happened to a connection. Each kind is one letter, so
// that a summary fact spells one path as a short string ("whec"); that
// alphabet appears only in the fact encoding (summary.go) and in debug
// output. Code compares the named constants.
type Kind byte

// The kinds of events.
const (
	Write      Kind = 'w' // bytes handed to the kernel (Write, Flush, fmt.Fprintf, io.Copy(c, r), ...)
	BufWrite   Kind = 'b' // bytes handed to a buffer over the conn (bufio.Writer.Write): not sent until a Flush
	Read       Kind = 'r' // a read that may leave received data unread
	ReadEOF    Kind = 'e' // the read side reached EOF or an error: the peer has finished sending (a drain)
	CloseWrite Kind = 'h' // half-close: FIN (CloseWrite)
	CloseRead  Kind = 'q' // shutdown(SHUT_RD): discards nothing on Linux
	Close      Kind = 'c' // Close
	Dup        Kind = 'f' // File(): the fd is duplicated, Close no longer ends the connection
	Failed     Kind = 'x' // an operation on the conn failed on this path: the conn is broken
	Escape     Kind = 'o' // ownership left the function on this path (returned, stored, sent, or handed to unknown code)
	Linger     Kind = 'l' // SetLinger
	Join       Kind = 'j' // a receive from a channel: may wait for a goroutine started here
	JoinAll    Kind = 'J' // WaitGroup.Wait or errgroup.Group.Wait: waits for the goroutines started here
	NoHalf     Kind = 'n' // the conn cannot be half-closed on this path: an assertion to a CloseWrite interface failed
	Go         Kind = 'g' // a goroutine that uses the conn is started here
	Abort      Kind = 'a' // the function stops waiting for its goroutines on purpose: a copy failed, or the context is done
	Wrapped    Kind = 'W' // a wrapper constructor returns the conn (or an object over it) to its caller, whose history goes on (ownwrappers.go)
)

var kindNames = map[Kind]string{
	Write: "write", BufWrite: "buffered write", Read: "read", ReadEOF: "read to EOF",
	CloseWrite: "CloseWrite", CloseRead: "CloseRead", Close: "Close", Dup: "File",
	Failed: "failed", Escape: "escape", Linger: "SetLinger", Join: "receive", JoinAll: "Wait",
	NoHalf: "no CloseWrite", Go: "go statement", Abort: "abort", Wrapped: "returned as a wrapper",
}

// counted reports whether events of kind k count one by one in a
// history: consecutive ones are merged only if they are the same event,
// repeated by a loop (each other receive, Wait or goroutine started is
// one more).
func (k Kind) counted() bool { return k == Join || k == JoinAll || k == Go }

// goroutineOnly reports whether events of kind k are about goroutines
// started by the function they happen in: a caller that applies the
// function's summary does not see them (the callee's goroutines are not
// the caller's).
func (k Kind) goroutineOnly() bool { return k == Join || k == JoinAll || k == Go }

// String returns the kind's name as messages use it ("read to EOF").
func (k Kind) String() string { return kindNames[k] }

// An Event is one operation on a connection at one place in a function.
// Events reached through a helper, a closure, a defer or a go statement
// are placed at that call, defer or go statement; Via names what was
// called.
type Event struct {
	ID    int
	Kind  Kind
	Conn  *Conn
	Pos   token.Pos       // where a diagnostic about this event belongs
	Instr ssa.Instruction // the call, defer, go or If (for events learnt on an edge)
	Via   string          // the helper or closure the event happened in, "" if direct
	// Deferred is set for events that run when the function returns
	// (a deferred call or a call inside a deferred closure).
	Deferred bool
	// Concurrent is set for events inside a goroutine started here.
	Concurrent bool
	// Operand is the index of the conn among the call's operands (the
	// receiver first, for methods), or -1 (a closure's captured conn, an
	// edge event).
	Operand int
	// Into is, for a buffered write that an object held in a field makes
	// into another field of the same object (s.framer's writes into
	// s.bw), that field, and IntoOperand the call's operand that is the
	// holding field (s.framer): a fix flushes s.bw. Into is nil otherwise.
	Into        *types.Var
	IntoOperand int
	// Linger holds the argument of SetLinger when Kind == Linger.
	Linger LingerValue
	// CalleeOwns is set for events inlined from a named function that
	// received the conn as a parameter: that function owns the conn for the
	// duration of the call and is judged on its own.
	CalleeOwns bool
	// Reason says, for an Escape, how ownership left the function
	// ("returned", "passed to serve", "handed on by handle").
	Reason string
	// Completes lists, for a Join or JoinAll, the go statements whose
	// goroutines have certainly finished once it happened (joins.go).
	Completes []ssa.Instruction
	// Receives is, for a Join, how many receives it stands for: 1, or
	// the receives of every iteration of a counted loop, on its exit.
	Receives int
	// Prefix is set for a Read that keeps a bounded prefix of what the
	// peer sends, by design (io.ReadAll(io.LimitReader(c, 512))): it is
	// no reply read in full.
	Prefix bool
	// Rejected is set for a Read after which the helper that did it
	// returned an error of its own, its read having succeeded: the data
	// was not what the protocol allows (a malformed frame), so the rest of
	// the peer's message is still unread. It is no reply read in full,
	// and no end of the read side either (edges.go, explainedByPath).
	Rejected bool
}

// String names the event's kind and, for an inlined event, where it
// happened ("write (in sendAll)").
func (e *Event) String() string {
	if e.Via != "" {
		return fmt.Sprintf("%s (in %s)", e.Kind, e.Via)
	}
	return e.Kind.String()
}

// SameCall reports whether a and b were both inlined from one call to a
// function that owns the conn during the call: a rule leaves such a pair to
// the callee, which is analyzed (and reported) on its own.
func SameCall(a, b *Event) bool {
	return a != nil && b != nil && a.CalleeOwns && b.CalleeOwns && a.Instr == b.Instr
}

// A History is the sequence of events (oldest first) on one path from the
// function's entry to an event. Histories are bounded: consecutive events
// of the same kind are merged (the latest is kept) and only the last
// maxHistory events are kept.
type History []*Event

// maxHistory is how many events a history keeps.
const maxHistory = 8

// Last returns the index of the last event in h whose kind is one of
// kinds, or -1.
func (h History) Last(kinds ...Kind) int {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].is(kinds) {
			return i
		}
	}
	return -1
}

// After reports whether an event of one of kinds occurs after h[i] (in
// all of h if i < 0).
func (h History) After(i int, kinds ...Kind) bool {
	for _, e := range h[max(i+1, 0):] {
		if e.is(kinds) {
			return true
		}
	}
	return false
}

// Before reports whether an event of one of kinds occurs before h[i].
func (h History) Before(i int, kinds ...Kind) bool {
	for _, e := range h[:max(i, 0)] {
		if e.is(kinds) {
			return true
		}
	}
	return false
}

// Has reports whether an event of one of kinds occurs anywhere in h.
func (h History) Has(kinds ...Kind) bool { return h.After(-1, kinds...) }

// is reports whether e's kind is one of kinds.
func (e *Event) is(kinds []Kind) bool {
	for _, k := range kinds {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// String spells h in the compact alphabet ("wec"), for debug output.
func (h History) String() string {
	var b strings.Builder
	for _, e := range h {
		b.WriteByte(byte(e.Kind))
	}
	return b.String()
}

// A Path is one path from the function's entry to an event At (the Close
// a rule judges): the conn, that event, and the History before it.
type Path struct {
	Conn   *Conn
	At     *Event
	Events History
}

// Paths yields the paths that reach ev, in the order the dataflow found
// them.
func (c *Conn) Paths(ev *Event) func(yield func(Path) bool) {
	return func(yield func(Path) bool) {
		for _, h := range c.Reaching[ev] {
			if !yield(Path{Conn: c, At: ev, Events: h}) {
				return
			}
		}
	}
}
