package connflow

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Kind is what happened to a connection. Kinds are single letters so that
// a summary (a fact) is a short string per path, e.g. "whec".
type Kind byte

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
	Escape     Kind = 'o' // ownership left this function (returned, stored, sent, or handed to unknown code)
	Linger     Kind = 'l' // SetLinger
	Join       Kind = 'j' // a receive from a channel: may wait for one goroutine started here
	JoinAll    Kind = 'J' // WaitGroup.Wait or errgroup.Group.Wait: waits for the goroutines started here
)

var kindNames = map[Kind]string{
	Write: "write", BufWrite: "buffered write", Read: "read", ReadEOF: "read to EOF",
	CloseWrite: "CloseWrite", CloseRead: "CloseRead", Close: "Close", Dup: "File",
	Failed: "failed", Escape: "escape", Linger: "SetLinger", Join: "receive", JoinAll: "Wait",
}

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
	// Linger holds the argument of SetLinger when Kind == Linger.
	Linger LingerValue
	// CalleeOwns is set for events inlined from a named function that
	// received the conn as a parameter: that function owns the conn for the
	// duration of the call and is judged on its own.
	CalleeOwns bool
}

// Joined reports whether, after h[from:], the function waited for all the
// goroutines that use c: a Wait, or at least as many channel receives as
// there are such goroutines.
func (c *Conn) Joined(h History, from int) bool {
	n := 0
	for _, e := range h[max(from, 0):] {
		switch e.Kind {
		case JoinAll:
			return true
		case Join:
			n++
		}
	}
	return c.Goroutines > 0 && n >= c.Goroutines
}

// SameCall reports whether a and b were both inlined from one call to a
// function that owns the conn during the call: a rule leaves such a pair to
// the callee, which is analyzed (and reported) on its own.
func SameCall(a, b *Event) bool {
	return a != nil && b != nil && a.CalleeOwns && b.CalleeOwns && a.Instr == b.Instr
}

func (e *Event) String() string {
	if e.Via != "" {
		return fmt.Sprintf("%s (in %s)", e.Kind, e.Via)
	}
	return e.Kind.String()
}

// A History is the sequence of events (oldest first) on one path from the
// function's entry to an event. Histories are bounded: consecutive events
// of the same kind are merged (the latest is kept) and only the last
// MaxHistory events are kept.
type History []*Event

// MaxHistory is how many events a history keeps.
const MaxHistory = 8

// LastIndex returns the index of the last event in h whose kind is one of
// kinds, or -1.
func (h History) LastIndex(kinds ...Kind) int {
	for i := len(h) - 1; i >= 0; i-- {
		for _, k := range kinds {
			if h[i].Kind == k {
				return i
			}
		}
	}
	return -1
}

// Has reports whether an event of kind k occurs in h[from:].
func (h History) Has(from int, k Kind) bool {
	for _, e := range h[max(from, 0):] {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func (h History) String() string {
	var b strings.Builder
	for _, e := range h {
		b.WriteByte(byte(e.Kind))
	}
	return b.String()
}

// Origin says where a connection value comes from.
type Origin int

const (
	FromCall    Origin = iota // a call returned it: net.Dial, Accept, a constructor; this function owns it
	FromParam                 // a parameter: this function owns it if it closes it
	FromFreeVar               // captured by a closure: the enclosing function owns it
	FromHeap                  // loaded from a field, global, map, slice or channel: someone else owns it
)

// A Conn is one connection inside one function: every SSA value that
// denotes it (through Phi, interface conversion, type assertion, local
// variables, closures, and byte-carrying wrappers such as bufio.Writer).
type Conn struct {
	ID     int
	Fn     *Func
	Origin Origin
	// Index is the parameter index (FromParam) or free-variable index (FromFreeVar).
	Index int
	// Type is the most specific connection type among its values (for
	// suggested fixes), nil if the values only have io interface types.
	Type types.Type
	// Value is a representative SSA value, and Values all of them.
	Value  ssa.Value
	Values []ssa.Value
	// Escaped is non-empty when ownership left the function; it says how.
	// Rules about closing stay silent for escaped conns.
	Escaped string
	// ConcurrentDrain is set when a goroutine started by this function
	// reads the conn until EOF (a proxy's copy loop): it drains the conn
	// for the function's own CloseWrite.
	ConcurrentDrain bool
	// ConcurrentRead is set when a goroutine started by this function
	// reads the conn: a suggested fix must not drain it.
	ConcurrentRead bool
	// Accepted is set when the conn comes from Accept (or an HTTP
	// Hijack) in this function: this side is the server.
	Accepted bool
	// Goroutines is the number of go statements (and WaitGroup.Go calls)
	// whose goroutine uses the conn.
	Goroutines int
	// Overflow is set when the path histories exceeded their budget; rules
	// stay silent about the conn and report nothing rather than guess.
	Overflow bool

	Events []*Event
	// Reaching maps an event to the histories that reach it (the events
	// before it on each path).
	Reaching map[*Event][]History

	exits     []History                // histories at the function's returns (for summaries)
	goReaders map[ssa.Instruction]bool // go statements whose goroutine reads the conn
}

// ReadByOtherGoroutine reports whether a goroutine started by another go
// statement reads the conn on the same paths as the go statement goStmt:
// the two statements are in one block, or one dominates the other (a
// goroutine started in the other branch of a select does not count).
func (c *Conn) ReadByOtherGoroutine(goStmt ssa.Instruction) bool {
	for r := range c.goReaders {
		if r == goStmt {
			continue
		}
		a, b := r.Block(), goStmt.Block()
		if a == b || a.Dominates(b) || b.Dominates(a) {
			return true
		}
	}
	return false
}

// InExchangeLoop reports whether the read ev is the read site of a
// request-response loop: on some path ev is reached again after a write
// that followed it. Such a site reads replies on every round but the
// first, so the protocol frames what it reads: the peer answers what was
// asked, and a Close after such a read leaves nothing unread that the
// peer is still sending.
func (c *Conn) InExchangeLoop(ev *Event) bool {
	for _, h := range c.Reaching[ev] {
		if i := slices.Index(h, ev); i >= 0 && h.Has(i+1, Write) {
			return true
		}
	}
	return false
}

// Owned reports whether this function owns the conn: it made or received
// it, and did not hand it on. Only owned conns are judged at Close.
func (c *Conn) Owned() bool {
	return c.Escaped == "" && !c.Overflow && (c.Origin == FromCall || c.Origin == FromParam)
}

// IsConn reports whether the conn is known to be a stream connection (and
// not just an io.Reader or io.Writer parameter that might be one).
func (c *Conn) IsConn() bool { return c.Type != nil }

// EventsOf returns the conn's events of kind k in source order.
func (c *Conn) EventsOf(k Kind) []*Event {
	var out []*Event
	for _, e := range c.Events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// A Func is the model of one function: its connections and their events.
type Func struct {
	SSA   *ssa.Function
	Conns []*Conn
	// Parent is the enclosing function's model for closures.
	Parent *Func
}

// LingerValue is what a SetLinger call or SO_LINGER option sets.
type LingerValue struct {
	// Known reports whether the seconds value (and, for raw options, the
	// on/off flag) are proven constants.
	Known bool
	On    bool  // SO_LINGER is enabled (SetLinger(n) with n >= 0)
	Secs  int64 // linger seconds
}

// A LingerOp is one place that sets SO_LINGER: SetLinger on a conn (any
// static type, including type assertions to anonymous interfaces), or
// syscall/unix SetsockoptLinger. LingerOps are found whether or not the
// conn is owned here: setting linger is judged at the call.
type LingerOp struct {
	Call  *ssa.CallCommon
	Instr ssa.CallInstruction
	Fn    *ssa.Function
	Value LingerValue
	Raw   bool // syscall/unix SetsockoptLinger rather than SetLinger
	// Stmt is the statement to delete to undo the call; nil if the call
	// is part of a larger expression that cannot simply be removed.
	Pos token.Pos
}

// Result is what the connflow analyzer hands to the rules.
type Result struct {
	// Funcs are the models of the package's functions that touch
	// connections, in source order (closures after their parent).
	Funcs []*Func
	// Lingers are the package's SO_LINGER settings.
	Lingers []*LingerOp
	// Budget lists the places where a budget was hit: a function too large
	// to model, or a conn with too many paths. connflow reports them, so
	// that a skipped function is never a silent miss.
	Budget []BudgetNote
}

// A BudgetNote says what was not analyzed, where, and why.
type BudgetNote struct {
	Pos     token.Pos
	Message string
}

// sortEvents orders events by position for deterministic output.
func sortEvents(evs []*Event) {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].ID < evs[j].ID })
}
