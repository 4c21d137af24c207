package connflow

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the model's vocabulary for one function: a Func holds
// Conns, and a Conn says where the connection comes from (Origin),
// whether this function owns it, and what the rules may ask about its
// goroutines and loops.

// A Func is the model of one function: its connections and their events.
type Func struct {
	SSA   *ssa.Function
	Conns []*Conn

	handsOn map[int]bool // object parameters handed to unknown code (objects.go)
	// sharedHandsOn is handsOn for the parameters whose conn fields are
	// FromShared (fields.go): kept apart, so that they change nothing
	// but other FromShared conns.
	sharedHandsOn map[int]bool
	// starts are the goroutines the function starts, by go statement,
	// and startOrder the same in block order (goroutines.go).
	starts     map[ssa.Instruction]*goStart
	startOrder []*goStart
	// aliases are the parameters every caller passes as one conn: the
	// group (its first parameter) of each, -1 for none (aliases.go).
	aliases []int
	// callbacks are the object parameters' callback fields the function
	// loads (callbacks.go): no stream of its own (Summary.streams).
	callbacks map[fieldKey]bool
}

// aliased reports whether parameter i is in a group that every caller
// passes as one conn, and is not its first: the first speaks for it in
// the summary.
func (f *Func) aliased(i int) bool {
	return i < len(f.aliases) && f.aliases[i] >= 0 && f.aliases[i] != i
}

// Origin says where a connection value comes from.
type Origin int

// The origins.
const (
	FromCall    Origin = iota // a call returned it: net.Dial, Accept, a constructor; this function owns it
	FromParam                 // a parameter: this function owns it if it closes it
	FromFreeVar               // captured by a closure: the enclosing function owns it
	FromHeap                  // loaded from a field, global, map, slice or channel: someone else owns it
	FromField                 // a field of an object the package declares, reached from a parameter (fields.go): the object owns it, and its methods are judged with it
	FromShared                // such a field of an object a goroutine of the package may use (fields.go, goroles.go): the function's own events are real, others' may be missing
)

// claim ranks the origins from the strongest claim of ownership to the
// weakest.
var claim = map[Origin]int{FromCall: 0, FromParam: 1, FromField: 2, FromFreeVar: 3, FromShared: 4, FromHeap: 5}

// weaker reports whether o claims less ownership than p. When the values
// of one conn disagree, the weakest origin is the conn's: a conn that any
// of its values loaded from the heap belongs to whoever stored it there,
// one captured from the enclosing function belongs to that function, a
// field reached from a parameter to its object, and a parameter merged
// with a call's result is still the caller's. A field that a goroutine
// may share is weaker than a captured conn, so that a closure never
// summarizes it as its own.
func (o Origin) weaker(p Origin) bool { return claim[o] > claim[p] }

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
	// suggested fixes); nil if the values only have io interface types,
	// or if the conn has no TCP teardown (a pipe, a datagram socket, an
	// in-memory stream).
	Type types.Type
	// Value is a representative SSA value, and Values all of them.
	Value  ssa.Value
	Values []ssa.Value
	// Escaped is non-empty when ownership left the function on some path;
	// it says how, the first time. The paths through an escape are not
	// judged after it (flow.go); the other paths are.
	Escaped string
	// ConcurrentDrain is set when a goroutine started by this function
	// reads the conn until EOF (a proxy's copy loop): it drains the conn
	// for the function's own CloseWrite.
	ConcurrentDrain bool
	// ConcurrentRead is set when a goroutine started by this function
	// reads the conn, or, for a field of an object, a goroutine the
	// package starts on the object (a read loop, goroles.go): a
	// suggested fix must not drain it.
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
	// before it on each path), in the order the dataflow found them.
	Reaching map[*Event][]History

	exits     []exit                   // histories at the function's returns, and their outcomes (for summaries)
	keys      []fieldKey               // the object fields this conn is (FromField; fields.go)
	goReaders map[ssa.Instruction]bool // go statements whose goroutine reads the conn
	readLoop  bool                     // a goroutine the package starts on its object reads it at any time (goroles.go)
}

// Owned reports whether this function owns the conn: it made or received
// it, and its paths were not given up on. Only owned conns are judged at
// Close, each on the paths that did not hand it on before.
func (c *Conn) Owned() bool {
	return !c.Overflow && (c.Origin == FromCall || c.Origin == FromParam || c.Origin == FromField)
}

// Shared reports whether the conn is a field of an object that a
// goroutine of the package may use (FromShared), and its paths were not
// given up on: the events the function itself causes on it are real, but
// another goroutine may write, read or close it between them, so only a
// rule whose verdict rests on this function's own events alone judges it
// (a write buffered here and never flushed before the Close).
func (c *Conn) Shared() bool { return !c.Overflow && c.Origin == FromShared }

// The reasons Unjudged gives.
const (
	UnjudgedHeap      = "loaded from the heap"
	UnjudgedShared    = "a field a goroutine of the package may use"
	UnjudgedFreeVar   = "captured by a closure"
	UnjudgedOverflow  = "overflow"
	UnjudgedNotStream = "not a stream socket"
	UnjudgedEscaped   = "escaped: " // followed by the first reason ownership left
	UnjudgedNoPath    = "no path reaches it holding the conn"
)

// Unjudged says why no rule judges the Close ev of c, or "" if the rules
// judge it: the function owns c, it is a stream socket, and some path
// reaches ev without having handed c on before. A field a goroutine may
// share counts as unjudged: only unflushedclose looks at its Close.
func (c *Conn) Unjudged(ev *Event) string {
	switch {
	case c.Overflow:
		return UnjudgedOverflow
	case c.Origin == FromHeap:
		return UnjudgedHeap
	case c.Origin == FromShared:
		return UnjudgedShared // judged for its unflushed writes only
	case c.Origin == FromFreeVar:
		return UnjudgedFreeVar
	case !c.IsStream():
		return UnjudgedNotStream
	case len(c.Reaching[ev]) == 0 && c.Escaped != "":
		return UnjudgedEscaped + c.Escaped
	case len(c.Reaching[ev]) == 0:
		return UnjudgedNoPath
	}
	return ""
}

// IsStream reports whether the conn is known to be a stream socket whose
// Close can send RST: its type is a connection (not only an io.Reader or
// io.Writer that might be one), and it is not a pipe, a datagram socket
// or an in-memory stream.
func (c *Conn) IsStream() bool { return c.Type != nil }

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
		if i := slices.Index(h, ev); i >= 0 && h.After(i, Write) {
			return true
		}
	}
	return false
}

// params counts the parameters among the conn's values: more than one
// means a phi merged two parameters into this conn. Parameters that every
// caller passes as one conn count once.
func (c *Conn) params() int {
	n := 0
	for _, v := range c.Values {
		if p, ok := v.(*ssa.Parameter); ok && !c.Fn.aliased(paramIndex(p)) {
			n++
		}
	}
	return n
}

// connOfValue returns the conn one of whose values is v, or nil.
func (f *Func) connOfValue(v ssa.Value) *Conn {
	for _, c := range f.Conns {
		if slices.Contains(c.Values, v) {
			return c
		}
	}
	return nil
}
