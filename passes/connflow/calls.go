package connflow

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file decides what a call, defer or go statement does to the conns
// it involves. The decision is a list of uses, one per conn operand (or
// closure binding) that the call is understood to act on; an operand that
// no use accounts for escapes. That default holds by construction: only
// a use, or a listed neutral operand, keeps a conn from escaping.

// A callSite is a call, defer or go statement and its operands (the
// receiver first, for an interface method call).
type callSite struct {
	instr ssa.CallInstruction
	ops   []ssa.Value
}

// A use is what one call does to one conn it involves.
type use struct {
	value   ssa.Value // the operand or closure binding that carries the conn
	conn    *Conn     // or the conn itself (an object's field: objects.go)
	operand int       // its index among the operands; -1 for a closure binding
	mode    callMode  // when its events happen
	// paths are the event sequences, one per path through the callee;
	// Escape in one of them hands the conn on.
	paths      [][]Kind
	outcomes   []outcome // per path, what it returns as the callee's error (summaries only)
	via        string    // the helper or closure, "" for a catalogued operation
	calleeOwns bool      // a named function that received the conn owns it during the call
	onErr      Kind      // what a non-nil error result means for the conn (0: nothing)
	onFalse    Kind      // what a false bool result means (Scanner.Scan)
	linger     LingerValue
	escape     string // if set, the conn escapes for this reason (a closure that cannot be analyzed)
	prefix     bool   // a read of a bounded prefix (Event.Prefix)
	// shared is set when the callee acts on more than one stream (conn-like
	// parameters, free variables, object fields): its error may be
	// another stream's (a copy helper whose write to its destination
	// failed), so no path of this one is a rejected read (edges.go,
	// rejects).
	shared bool
	// into is, for the writes an object held in a field makes into
	// another field of the same object that buffers them (s.framer into
	// s.bw: ownbuffers.go), that field, and intoOperand the operand that
	// is the holding object's field (s.framer).
	into        *types.Var
	intoOperand int
}

// A decision is what a call does: its uses, in the order their events are
// made, and the operands it is known to leave alone.
type decision struct {
	uses    []use
	neutral []int
	known   bool // the callee is understood: objects among the operands are not handed on
}

// understood reports whether the decision accounts for operand i.
func (d decision) understood(i int) bool {
	return slices.Contains(d.neutral, i) || slices.ContainsFunc(d.uses, func(u use) bool { return u.operand == i })
}

// call records what instr does to the conns among its operands. Unless
// understood, a conn operand escapes: ownership passed to code the model
// cannot see.
func (b *funcBuilder) call(instr ssa.CallInstruction) {
	call := instr.Common()
	s := callSite{instr: instr, ops: operands(call)}
	mc, _ := call.Value.(*ssa.MakeClosure)
	callback := !call.IsInvoke() && b.tracked(call.Value)
	if mc == nil && !callback && !slices.ContainsFunc(s.ops, b.tracked) && !slices.ContainsFunc(s.ops, b.isObject) && !launchesClosure(call) {
		return
	}
	d := b.decide(s, mc)
	for _, u := range d.uses {
		b.apply(s, u)
	}
	if callback {
		// A closure over a conn, or a callback field's closure, called:
		// what it does to the conn is not followed (callbacks.go).
		b.escape(b.connOf(call.Value), instr, modeOf(instr), "its callback called")
	}
	for i, o := range s.ops {
		if b.tracked(o) && !d.understood(i) {
			b.escape(b.connOf(o), instr, modeOf(instr), "passed to "+calleeName(call))
		}
		switch u := Unconvert(o); {
		case b.goOwnedObject(u):
			b.handsOnObject(u, instr, modeOf(instr), "its object passed to "+calleeName(call)+", which may start its goroutine")
		case u != o:
			// An object converted to an interface is not followed: the
			// callee may do anything with it.
			b.handsOnObject(u, instr, modeOf(instr), "its object passed as an interface to "+calleeName(call))
		case !d.known && !b.declaredHere(call):
			b.handsOnObject(o, instr, modeOf(instr), "its object passed to "+calleeName(call))
		}
	}
}

// isObject reports whether v is an object of a struct type the package
// declares (objects.go), or one converted to an interface.
func (b *funcBuilder) isObject(v ssa.Value) bool { _, ok := b.objectOf(Unconvert(v)); return ok }

// declaredHere reports whether call's static callee is a function of this
// package whose body is not built: it mentions no conn (select.go), so it
// does nothing to an object's conns.
func (b *funcBuilder) declaredHere(call *ssa.CallCommon) bool {
	fn := call.StaticCallee()
	return fn != nil && fn.Blocks == nil && fn.Pkg != nil && fn.Pkg.Pkg == b.ps.pass.Pkg
}

// decide returns what the call does. The first rule that applies decides:
//
//  1. a call through an interface: the conn and wrapper methods of the
//     catalogue (ops.go), or the union of the implementations of the
//     package's own closed interface (ifaces.go);
//  2. a closure made here: its summary, inlined (closures.go);
//  3. a wrapper constructor (bufio.NewWriter(c)): no event, its result is
//     the same conn (identity.go); a fresh constructor whose result holds
//     the conn (freshobjects.go): no event, the conn goes on in it;
//  4. a method of a catalogued type, or Write or Flush of the package's own
//     buffered writer over a conn (ownbuffers.go);
//  5. a catalogued package function (io.Copy, fmt.Fprintf, ...);
//  6. a goroutine launcher (WaitGroup.Go): its closure, as a go statement;
//  7. a function with a summary: this package's model or a fact; also
//     through a func-valued field the package always sets to one
//     function (fieldfuncs.go).
//
// Anything else decides nothing.
func (b *funcBuilder) decide(s callSite, mc *ssa.MakeClosure) decision {
	call := s.instr.Common()
	mode := modeOf(s.instr)
	if call.IsInvoke() {
		if effs, ok := methodEffects(call.Value.Type(), call.Method.Name()); ok {
			return b.catalogued(s, mode, effs, false, 0)
		}
		if effs, ok := halfCloseMethods[call.Method.Name()]; ok && b.tracked(call.Value) {
			// A conn viewed through an interface of its own
			// (`type closeWriter interface{ CloseWrite() error }`):
			// its half-close is the conn's.
			return b.catalogued(s, mode, effs, false, 0)
		}
		if d, ok := b.implementedCall(s, mode, call); ok {
			return d // the package's own closed interface (ifaces.go)
		}
		return decision{}
	}
	if mc != nil {
		return b.closureCall(s, mode, mc, s.ops)
	}
	callee := call.StaticCallee()
	key, _ := funcKey(callee)
	if idx, ok := wrapperArgs(call); ok {
		return decision{neutral: idx, known: true}
	}
	if i, ok := b.ps.makerArg(call); ok {
		return decision{neutral: []int{i}, known: true} // its result is the conn (callbacks.go)
	}
	if d, ok := b.freshDecision(s); ok {
		return d // an object that holds the conn (freshobjects.go)
	}
	if callee != nil && callee.Signature.Recv() != nil && len(s.ops) > 0 {
		if effs, ok := methodEffects(callee.Signature.Recv().Type(), callee.Name()); ok {
			return b.catalogued(s, mode, effs, false, 0)
		}
		if effs, ok := bufferedMethods[callee.Name()]; ok && b.tracked(s.ops[0]) && b.ps.ownBuffered(callee.Signature.Recv().Type()) {
			return b.catalogued(s, mode, effs, false, 0) // the package's own buffered writer (ownbuffers.go)
		}
	}
	if effs, ok := funcEffects[key]; ok {
		return b.catalogued(s, mode, effs, true)
	}
	if i, ok := goLaunchers[key]; ok && i < len(s.ops) {
		if inner, ok := s.ops[i].(*ssa.MakeClosure); ok {
			d := b.closureCall(s, modeGo, inner, nil)
			d.neutral = append(d.neutral, i)
			return d
		}
		return decision{}
	}
	if callee == nil {
		if fn, bound := b.fieldCallee(call.Value); fn != nil {
			return b.summarizedFrom(s, mode, fn, bound) // a handler field always set to fn (fieldfuncs.go)
		}
		return decision{}
	}
	return b.summarized(s, mode, callee)
}

// launchesClosure reports whether call starts a closure made here in a
// goroutine (WaitGroup.Go, errgroup.Group.Go): the conns it captures are
// not among the call's operands.
func launchesClosure(call *ssa.CallCommon) bool {
	i, ok := goLaunchers[keyOf(call)]
	if !ok || i >= len(call.Args) {
		return false
	}
	_, ok = call.Args[i].(*ssa.MakeClosure)
	return ok
}

// catalogued turns the catalogue's effects into uses. A write by a package
// function (fmt.Fprintf) into a bufio.Writer is a buffered write; the
// argument after the receiver of SetLinger is its linger value. The
// operands in neutral (a method's receiver) are understood even when the
// method does nothing to them.
func (b *funcBuilder) catalogued(s callSite, mode callMode, effs []opEffect, isFunc bool, neutral ...int) decision {
	d := decision{neutral: neutral, known: true}
	for _, e := range effs {
		if e.operand >= len(s.ops) {
			continue
		}
		u := use{value: s.ops[e.operand], operand: e.operand, mode: mode, onErr: e.onErr, onFalse: e.onFalse}
		k := e.kind
		if k == Linger && len(s.ops) > 1 {
			u.linger = lingerOf(s.ops[1])
		}
		if k == Write && (isFunc && buffered(s.ops[e.operand]) || !isFunc && (encodesIntoBuffer(s.ops[e.operand]) || b.encodesIntoBufferParam(s.ops[e.operand]))) {
			k = BufWrite // fmt.Fprintf(bw, ...), json.NewEncoder(bw).Encode(v): bw's buffer
		}
		if isFunc && k == ReadEOF && boundedPrefix(s, e.operand) {
			// io.ReadAll(io.LimitReader(c, 512)) keeps 512 bytes; where it
			// fails, the read side has ended.
			k, u.prefix, u.onErr = Read, true, ReadEOF
		}
		u.paths = [][]Kind{{k}}
		d.uses = append(d.uses, u)
	}
	return d
}

// summarized applies callee's summary to the conn operands it covers. A
// named function (not a closure) owns its conn parameters for the
// duration of the call.
func (b *funcBuilder) summarized(s callSite, mode callMode, callee *ssa.Function) decision {
	return b.summarizedFrom(s, mode, callee, 0)
}

// summarizedFrom is summarized for a callee whose first bound parameters
// are not among the operands (a method value's receiver): operand i is
// its parameter i+bound. Object effects are applied only when nothing is
// bound.
func (b *funcBuilder) summarizedFrom(s callSite, mode callMode, callee *ssa.Function, bound int) decision {
	sum := b.ps.summary(callee)
	if sum == nil {
		return decision{}
	}
	d := decision{known: true}
	for i, o := range s.ops {
		if !b.tracked(o) {
			continue
		}
		if pe, ok := sum.param(i + bound); ok {
			paths, outs := decodePaths(pe.Paths)
			if encodesIntoBuffer(o) {
				paths = intoBuffer(paths) // handle(json.NewEncoder(bw)): its Encodes fill bw
			}
			d.uses = append(d.uses, use{value: o, operand: i, mode: mode, paths: paths, outcomes: outs, via: callee.Name(),
				calleeOwns: callee.Parent() == nil, onErr: errKindOf(paths), shared: sum.streams() > 1})
		}
	}
	if bound == 0 {
		d.uses = append(d.uses, b.objectUses(s, mode, callee, sum)...)
	}
	return d
}

// apply records one use at the call site; a direct call's error and false
// results are remembered for the branches on them (edges.go).
func (b *funcBuilder) apply(s callSite, u use) {
	c := u.conn
	if c == nil {
		c = b.connOf(u.value)
	}
	if c == nil {
		return
	}
	if u.escape != "" {
		b.escape(c, s.instr, u.mode, u.escape)
		return
	}
	b.record(c, s, u)
	if v, ok := s.instr.(*ssa.Call); ok && u.mode == modeCall {
		if u.onErr != 0 {
			setKind(b.onErr, v, c, u.onErr)
		}
		if u.onFalse != 0 {
			setKind(b.onFalse, v, c, u.onFalse)
		}
	}
}

// setKind records that on an edge of the call v, c undergoes k.
func setKind(m map[ssa.Value]map[*Conn]Kind, v ssa.Value, c *Conn, k Kind) {
	if m[v] == nil {
		m[v] = map[*Conn]Kind{}
	}
	m[v][c] = k
}

// buffered reports whether writes to v land in a bufio buffer: v is a
// *bufio.Writer or *bufio.ReadWriter, possibly converted to io.Writer.
func buffered(v ssa.Value) bool { return bufioWriterType(Unconvert(v).Type()) }

// bufioWriterType reports whether t is, or points to, bufio.Writer or
// bufio.ReadWriter.
func bufioWriterType(t types.Type) bool {
	return namedIs(t, "bufio", "Writer") || namedIs(t, "bufio", "ReadWriter")
}

// bufferingEncoders are the catalogue's encoders whose Encode writes into
// their writer without flushing it (textproto.Writer's PrintfLine flushes
// its bufio.Writer, and is a write to the conn).
var bufferingEncoders = map[[2]string]bool{
	{"encoding/json", "NewEncoder"}: true,
	{"encoding/gob", "NewEncoder"}:  true,
}

// encodesIntoBuffer reports whether v is an encoder made here over a
// bufio buffer, json.NewEncoder(bw): what it encodes waits in bw until a
// Flush. Only an encoder whose construction is in sight: one received as
// a parameter or loaded from a field stays a writer to the conn.
func encodesIntoBuffer(v ssa.Value) bool {
	call, ok := Unconvert(v).(*ssa.Call)
	if !ok || len(call.Call.Args) == 0 {
		return false
	}
	if !bufferingEncoders[keyOf(&call.Call)] && conventionalCodec(call.Type()) != encoderCodec {
		return false
	}
	if _, ok := wrapperArgs(&call.Call); !ok {
		return false
	}
	return buffered(call.Call.Args[0])
}

// intoBuffer returns paths with their writes made buffered writes: the
// paths of a helper given an encoder made over a bufio.Writer, whose
// writes through the encoder land in the buffer (encodesIntoBuffer).
func intoBuffer(paths [][]Kind) [][]Kind {
	out := make([][]Kind, len(paths))
	for i, p := range paths {
		q := slices.Clone(p)
		for j, k := range q {
			if k == Write {
				q[j] = BufWrite
			}
		}
		out[i] = q
	}
	return out
}

// boundedPrefix reports whether operand i of a package function that
// reads its source to the end (io.ReadAll, io.Copy) is a reader limited
// to a constant number of bytes, io.LimitReader(c, 512): the call keeps
// a bounded prefix of what the peer sends. Copied into io.Discard it is a
// bounded drain instead, and a limit that is not a constant is a frame
// length the protocol announced (a websocket payload): both stay a read
// to EOF of what was asked.
func boundedPrefix(s callSite, i int) bool {
	if i > 0 && isDiscard(s.ops[0]) {
		return false
	}
	v := s.ops[i]
	for {
		switch x := v.(type) {
		case *ssa.ChangeInterface:
			v = x.X
			continue
		case *ssa.Call:
			if keyOf(&x.Call) == [2]string{"io", "LimitReader"} && len(x.Call.Args) == 2 {
				_, ok := constInt(x.Call.Args[1], 0)
				return ok
			}
		}
		return false
	}
}

// isDiscard reports whether v is io.Discard.
func isDiscard(v ssa.Value) bool {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if g, ok := u.X.(*ssa.Global); ok {
			return g.Name() == "Discard" && g.Pkg != nil && g.Pkg.Pkg.Path() == "io"
		}
	}
	return false
}

// keyOf names the static callee of call (funcKey), or nothing for an
// interface method call.
func keyOf(call *ssa.CallCommon) [2]string {
	if call.IsInvoke() {
		return [2]string{}
	}
	k, _ := funcKey(call.StaticCallee())
	return k
}

// calleeName names what call calls, for escape reasons.
func calleeName(call *ssa.CallCommon) string {
	if call.IsInvoke() {
		return call.Method.Name()
	}
	if fn := call.StaticCallee(); fn != nil {
		return fn.Name()
	}
	return "a function value"
}

// operands returns the receiver (for interface method calls) followed by
// the arguments; a static method call's receiver is already its first
// argument.
func operands(call *ssa.CallCommon) []ssa.Value {
	if call.IsInvoke() {
		return append([]ssa.Value{call.Value}, call.Args...)
	}
	return call.Args
}
