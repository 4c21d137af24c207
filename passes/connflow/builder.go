package connflow

import (
	"golang.org/x/tools/go/ssa"
)

// This file holds the state of building one function's model and the
// order of the steps; each step lives in the file named beside it.

// funcBuilder builds the model of one function in three steps:
//
//  1. identities (identity.go): SSA values that denote the same
//     connection are joined (union-find) through Phi, interface
//     conversions, type assertions, local variables (Alloc cells and
//     their loads and stores), closures' free variables, and wrappers such
//     as bufio.NewWriter; each class becomes a Conn with an Origin;
//  2. events and escapes (record.go, calls.go, closures.go, edges.go,
//     goroutines.go): every call, defer and go statement involving a
//     connection becomes events (ops.go, and summaries for helpers and
//     closures), and any use that hands the conn on marks it Escaped;
//  3. paths (flow.go): a forward dataflow over the CFG computes, for each
//     event, the bounded histories that reach it.
type funcBuilder struct {
	ps *pkgState
	fn *ssa.Function
	f  *Func

	// Identities.
	uf    classes             // union-find over the values that denote conns
	roots map[ssa.Value]root  // where a class's values come from
	conns map[ssa.Value]*Conn // class representative -> conn
	// noTeardown marks values from net.Pipe, an in-memory producer
	// (inmemory.go) or a datagram Dial: they have a conn type but no TCP
	// teardown.
	noTeardown   map[ssa.Value]bool
	accepted     map[ssa.Value]bool      // values returned by Accept or Hijack
	drops        map[*Conn]map[edge]bool // edges after which a path holds another value (dropEdges)
	fieldReps    map[fieldKey]ssa.Value  // the first value of each object's conn field (fields.go)
	stored       map[fieldKey]bool       // the fields the function stores to (fields.go)
	virtual      []fieldKey              // object fields reached only through calls (objects.go)
	virtualConns map[fieldKey]*Conn      // their conns
	owners       map[ssa.Value]bool      // allocations and fresh objects that may own conns (localobjects.go)
	ownedFields  map[fieldKey]ownedState // their conn fields, as settled
	ownedPending bool                    // a field is still ownedMaybe

	// Events and what the dataflow does at each instruction.
	evs     map[evKey]*Event
	nextID  int
	steps   map[*Conn]map[ssa.Instruction][]step
	groups  map[*Conn][]alternatives         // deferred calls' paths, by defer group
	edges   map[*Conn]map[*ssa.If]branch     // events learnt on a branch's edges
	retErrs map[*Conn]map[*ssa.Return]retErr // a Return of an operation's error (edges.go)
	onErr   map[ssa.Value]map[*Conn]Kind     // call value -> conn -> event on its error edge
	onFalse map[ssa.Value]map[*Conn]Kind     // call value -> conn -> event on its false edge
	goSites map[*Conn]map[ssa.Instruction]bool
	errIfs  map[*ssa.Call][]*ssa.If     // the Ifs that test a call's error result (feasible.go)
	phiMemo map[edge][]cond             // what entering a block through an edge tells (feasible.go)
	errRets map[*ssa.Call][]*ssa.Return // the Returns that return a call's error (feasible.go)
}

// alternatives are the event sequences of one call, one per path through
// the callee.
type alternatives [][]*Event

// newFuncBuilder returns a builder for fn with empty state.
func newFuncBuilder(ps *pkgState, fn *ssa.Function) *funcBuilder {
	return &funcBuilder{
		ps: ps, fn: fn, f: &Func{SSA: fn, handsOn: map[int]bool{}, sharedHandsOn: map[int]bool{}, callbacks: map[fieldKey]bool{}},
		uf: classes{}, roots: map[ssa.Value]root{}, conns: map[ssa.Value]*Conn{},
		noTeardown: map[ssa.Value]bool{}, accepted: map[ssa.Value]bool{}, drops: map[*Conn]map[edge]bool{}, fieldReps: map[fieldKey]ssa.Value{}, virtualConns: map[fieldKey]*Conn{},
		owners: map[ssa.Value]bool{}, ownedFields: map[fieldKey]ownedState{},
		evs: map[evKey]*Event{}, steps: map[*Conn]map[ssa.Instruction][]step{},
		groups: map[*Conn][]alternatives{}, edges: map[*Conn]map[*ssa.If]branch{}, retErrs: map[*Conn]map[*ssa.Return]retErr{},
		onErr: map[ssa.Value]map[*Conn]Kind{}, onFalse: map[ssa.Value]map[*Conn]Kind{},
		goSites: map[*Conn]map[ssa.Instruction]bool{}, errIfs: map[*ssa.Call][]*ssa.If{}, phiMemo: map[edge][]cond{}, errRets: map[*ssa.Call][]*ssa.Return{},
	}
}

// build runs the three steps and returns the function's model; a function
// in which no value denotes a conn has a model without conns.
func (b *funcBuilder) build() *Func {
	b.identities()
	b.objectCalls()
	if len(b.uf) == 0 && len(b.virtual) == 0 {
		return b.f
	}
	b.makeConns()
	b.makeVirtualConns()
	b.dropEdges()
	b.resets()
	b.goStarts()
	b.eventsAndEscapes()
	b.joins()
	for _, c := range b.f.Conns {
		b.flow(c)
	}
	return b.f
}

// tracked reports whether v denotes a conn.
func (b *funcBuilder) tracked(v ssa.Value) bool { return b.uf.has(v) }

// connOf returns the conn v denotes, or nil.
func (b *funcBuilder) connOf(v ssa.Value) *Conn {
	if r := b.uf.find(v); r != nil {
		return b.conns[r]
	}
	return nil
}

// escape records that ownership of c leaves the function at instr, in
// the given mode, and why: an Escape event on the paths through instr,
// after which those paths are not judged (flow.go). The conn's Escaped
// keeps the first reason.
func (b *funcBuilder) escape(c *Conn, instr ssa.Instruction, mode callMode, why string) {
	if c == nil {
		return
	}
	ev := b.escapeEvent(c, instr, mode, "", why)
	if mode == modeDefer {
		b.groups[c] = append(b.groups[c], alternatives{{ev}})
		b.addStep(c, instr, step{op: stepPush, group: len(b.groups[c]) - 1})
		return
	}
	b.addStep(c, instr, step{op: stepApply, paths: alternatives{{ev}}})
}

// escapeEvent returns the Escape event of c at instr, noting the first
// reason on the conn.
func (b *funcBuilder) escapeEvent(c *Conn, instr ssa.Instruction, mode callMode, via, why string) *Event {
	if c.Escaped == "" {
		c.Escaped = why
	}
	ev := b.event(c, instr, Escape, via, mode, false)
	ev.Operand = -1
	if ev.Reason == "" {
		ev.Reason = why
	}
	return ev
}
