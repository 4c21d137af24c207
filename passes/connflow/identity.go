package connflow

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file decides which SSA values denote the same connection (step 1
// of a function's model) and turns each class of them into a Conn with
// an Origin.
//
// Two kinds of rules apply to an instruction. A joining rule says its
// value is the same conn as an operand (a Phi, a conversion, a load from
// a local cell, a wrapper built over the conn). A rooting rule says its
// value is a conn that starts here, and where from: made by a call
// (FromCall), asserted from a parameter (FromParam), or loaded from a
// field, global, collection or channel (FromHeap). Parameters and free
// variables are roots from the start. The rules run to a fixpoint,
// because an operand may be defined later in block order (loops).

// classes is a union-find over the values that denote conns: each value
// maps to its parent, and a class's representative to itself.
type classes map[ssa.Value]ssa.Value

// has reports whether v denotes a conn.
func (u classes) has(v ssa.Value) bool { _, ok := u[v]; return ok }

// add makes v a class of its own if it is not in one yet.
func (u classes) add(v ssa.Value) {
	if !u.has(v) {
		u[v] = v
	}
}

// find returns the representative of v's class, or nil if v is in none.
func (u classes) find(v ssa.Value) ssa.Value {
	p, ok := u[v]
	if !ok {
		return nil
	}
	for p != v {
		gp := u[p]
		u[v] = gp
		v, p = p, gp
	}
	return v
}

// union puts x and y (each added if new) in one class.
func (u classes) union(x, y ssa.Value) {
	u.add(x)
	u.add(y)
	if rx, ry := u.find(x), u.find(y); rx != ry {
		u[rx] = ry
	}
}

// A root says where a conn value comes from: its origin, and the index of
// the parameter or free variable it is.
type root struct {
	origin Origin
	index  int
}

// setRoot makes v a conn value with the given origin.
func (b *funcBuilder) setRoot(v ssa.Value, o Origin, index int) {
	b.uf.add(v)
	b.roots[v] = root{o, index}
}

// identities finds the function's conn values and their classes.
func (b *funcBuilder) identities() {
	for i, p := range b.fn.Params {
		if IsConnLike(p.Type()) {
			b.setRoot(p, FromParam, i)
		}
	}
	b.joinAliasedParams()
	for i, fv := range b.fn.FreeVars {
		if IsConnLike(fv.Type()) || isCellOf(fv.Type()) {
			b.setRoot(fv, FromFreeVar, i)
		}
	}
	b.joinSameConnFreeVars()
	for settled := false; !settled; settled = !b.settleOwned() {
		for changed := true; changed; {
			changed = false
			for _, blk := range b.fn.Blocks {
				for _, instr := range blk.Instrs {
					if b.identity(instr) {
						changed = true
					}
				}
			}
		}
	}
}

// joinSameConnFreeVars joins the free variables that the closure's parent
// binds to one connection (say a conn and a bufio.Writer over it), so that
// the closure orders their events as one history.
func (b *funcBuilder) joinSameConnFreeVars() {
	groups := b.ps.sameConn[b.fn]
	first := map[int]int{}
	for i, g := range groups {
		if g < 0 || !b.tracked(b.fn.FreeVars[i]) {
			continue
		}
		if j, ok := first[g]; ok {
			b.uf.union(b.fn.FreeVars[j], b.fn.FreeVars[i])
		} else {
			first[g] = i
		}
	}
}

// identity applies the rules of one instruction; it reports whether a
// value became a conn value.
func (b *funcBuilder) identity(instr ssa.Instruction) bool {
	before := len(b.uf)
	switch in := instr.(type) {
	case *ssa.Alloc:
		if isCellOf(in.Type()) {
			b.uf.add(in) // a local variable of a conn-like type
		}
	case *ssa.Phi:
		// A variable that holds this conn on some paths and another
		// stream on others (r = bytes.NewReader(...)) is still this conn
		// where it is: only the tracked edges join it.
		for _, e := range in.Edges {
			b.joinIfTracked(in, e)
		}
	case *ssa.MakeInterface:
		b.joinIfTracked(in, in.X)
	case *ssa.ChangeInterface:
		b.joinIfTracked(in, in.X)
	case *ssa.ChangeType:
		b.joinIfTracked(in, in.X)
	case *ssa.Convert:
		b.joinIfTracked(in, in.X)
	case *ssa.TypeAssert:
		b.asserted(in, in.X, in.AssertedType, !in.CommaOk)
	case *ssa.Extract:
		b.extracted(in)
	case *ssa.UnOp:
		b.loaded(in)
	case *ssa.Store:
		if b.tracked(in.Addr) && b.tracked(in.Val) && isCell(in.Addr) {
			b.uf.union(in.Val, in.Addr) // stored into its local variable
		}
	case *ssa.Call:
		b.called(in)
	case *ssa.FieldAddr:
		b.fieldAddr(in)
	case *ssa.Field:
		b.field(in)
	case *ssa.Index, *ssa.IndexAddr, *ssa.Lookup:
		b.fromHeap(in.(ssa.Value))
	}
	return len(b.uf) != before
}

// joinIfTracked joins v to x's conn if x denotes one.
func (b *funcBuilder) joinIfTracked(v, x ssa.Value) {
	if b.tracked(x) {
		b.uf.union(v, x)
	}
}

// fromHeap roots v as loaded from the heap if its type may carry a conn.
func (b *funcBuilder) fromHeap(v ssa.Value) {
	if IsConnLike(v.Type()) {
		b.setRoot(v, FromHeap, 0)
	}
}

// asserted decides the result v of asserting x to type t: the same conn as
// x, or (when mayRoot) a conn of x's origin when t may carry one. A
// comma-ok assertion roots only through its first result (extracted).
func (b *funcBuilder) asserted(v, x ssa.Value, t types.Type, mayRoot bool) {
	if b.tracked(x) {
		b.uf.union(v, x)
	} else if mayRoot && IsConnLike(t) {
		b.setRoot(v, originOf(x), paramIndex(x))
	}
}

// extracted decides a component of a tuple: the value of a comma-ok
// assertion, a result of a call, or a value received or looked up (from
// the heap).
func (b *funcBuilder) extracted(in *ssa.Extract) {
	switch t := in.Tuple.(type) {
	case *ssa.TypeAssert:
		if in.Index == 0 {
			b.asserted(in, t.X, in.Type(), true)
		}
	case *ssa.Call:
		if x := b.ps.wrappedArg(&t.Call, in.Index); x != nil {
			b.joinIfTracked(in, x) // the project's own wrapper over a conn is that conn (ownwrappers.go)
		}
		if IsConnLike(in.Type()) && !b.tracked(in) {
			b.madeByCall(in, &t.Call, in.Index)
			if n := calleeName(&t.Call); strings.HasPrefix(n, "Accept") || n == "Hijack" {
				b.accepted[in] = true // the server's side: the client sent first
			}
			b.joinResults(in, t)
		}
	default:
		b.fromHeap(in)
	}
}

// joinResults joins the conn-like results of a call that returns one conn
// and wrappers over it (Hijack's conn and bufio.ReadWriter, a dial
// helper's conn and Scanner): they are one connection.
func (b *funcBuilder) joinResults(in *ssa.Extract, call *ssa.Call) {
	if !oneConnResult(call.Type().(*types.Tuple)) {
		return
	}
	for _, r := range *call.Referrers() {
		if e, ok := r.(*ssa.Extract); ok && e != in && IsConnLike(e.Type()) {
			b.uf.union(in, e)
		}
	}
}

// loaded decides a load: from a conn's local cell it is that conn;
// anything else of a conn-like type (a pointer load, a channel receive) is
// from the heap, once any field of an object allocated here is settled.
func (b *funcBuilder) loaded(in *ssa.UnOp) {
	if in.Op == token.MUL && b.tracked(in.X) {
		b.uf.union(in, in.X)
		return
	}
	if _, ok := b.ownedKey(in.X); ok {
		return // a field of an object allocated here: settled later (localobjects.go)
	}
	b.fromHeap(in)
}

// called decides the single result of a call: a wrapper built over a conn
// is that conn (a tls.Client over an untracked conn is made here); any
// other conn-like result is made by the call.
func (b *funcBuilder) called(in *ssa.Call) {
	if idx, ok := wrapperArgs(&in.Call); ok {
		ops := operands(&in.Call)
		for _, i := range idx {
			if i < len(ops) {
				b.joinIfTracked(in, ops[i])
			}
		}
		if !b.tracked(in) && IsConn(in.Type()) {
			b.setRoot(in, FromCall, 0)
		}
		return
	}
	if x := b.ps.wrappedArg(&in.Call, 0); x != nil {
		b.joinIfTracked(in, x) // the project's own wrapper over a conn is that conn (ownwrappers.go)
	}
	if i, ok := b.ps.makerArg(&in.Call); ok && i < len(in.Call.Args) {
		b.joinIfTracked(in, in.Call.Args[i]) // a closure over the conn is that conn (callbacks.go)
	}
	b.freshCall(in) // an object that holds the arguments (freshobjects.go)
	if IsConnLike(in.Type()) && !b.tracked(in) {
		b.madeByCall(in, &in.Call, 0)
	}
}

// madeByCall roots v, result index of call, as made here, and marks it if
// it has no TCP teardown (a pipe end, a datagram socket, an in-memory
// stream).
func (b *funcBuilder) madeByCall(v ssa.Value, call *ssa.CallCommon, index int) {
	b.setRoot(v, FromCall, 0)
	if datagramOrPipe(call) || b.ps.inMemoryCall(call, index) {
		b.noTeardown[v] = true
	}
}

// fieldAddr decides &x.f: the embedded struct through which
// *net.TCPConn's promoted methods (Write, Read, Close) are called is the
// conn itself; a conn-like field of an object the package declares is
// the object's conn (fields.go); any other conn-like field is on the heap.
func (b *funcBuilder) fieldAddr(in *ssa.FieldAddr) {
	if b.tracked(in.X) && embeddedField(in.X.Type(), in.Field) {
		b.uf.union(in, in.X)
		return
	}
	b.field(in)
}

// field decides a field address or a field of a struct value: the
// object's conn if the field is its own (&s.bw too, the address of a
// wrapper over it: wrapfields.go), else from the heap.
func (b *funcBuilder) field(v ssa.Value) {
	if b.tracked(v) {
		return
	}
	if _, ok := b.ownedKey(v); ok {
		return // a field of an object allocated here: settled later (localobjects.go)
	}
	if !b.connLikeField(v) && !((isCellOf(v.Type()) || b.ownBufferedValue(v.Type())) && b.isWrapperField(v)) {
		return
	}
	if k, ok := b.ownField(v); ok {
		b.fieldRoot(v, k)
		if b.isCallbackField(v) {
			b.f.callbacks[k] = true
		}
		return
	}
	b.fromHeap(v)
}

// datagramOrPipe reports whether call makes a conn without TCP teardown:
// net.Pipe, or a Dial whose constant network is udp*, ip* or unixgram.
func datagramOrPipe(call *ssa.CallCommon) bool {
	if k, _ := funcKey(call.StaticCallee()); !call.IsInvoke() && k == [2]string{"net", "Pipe"} {
		return true
	}
	args, ok := dialArgs(call)
	if !ok {
		return false
	}
	for _, a := range args {
		if c, ok := a.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.String {
			n := constant.StringVal(c.Value)
			return strings.HasPrefix(n, "udp") || strings.HasPrefix(n, "ip") || n == "unixgram"
		}
	}
	return false
}

// dialArgs returns the arguments of a Dial call, from the network on:
// any interface method named Dial*, or a Dial* of net, net.Dialer or
// crypto/tls.
func dialArgs(call *ssa.CallCommon) ([]ssa.Value, bool) {
	if call.IsInvoke() {
		return call.Args, strings.HasPrefix(call.Method.Name(), "Dial")
	}
	k, ok := funcKey(call.StaticCallee())
	if !ok || !strings.HasPrefix(k[1], "Dial") {
		return nil, false
	}
	switch k[0] {
	case "net", "crypto/tls":
		return call.Args, true
	case "net.Dialer":
		return call.Args[1:], true
	}
	return nil, false
}

// oneConnResult reports whether a result tuple holds at most one stream
// connection, the other conn-like results being wrappers or io views.
func oneConnResult(t *types.Tuple) bool {
	n := 0
	for v := range t.Variables() {
		if IsConn(v.Type()) {
			n++
		}
	}
	return n <= 1
}

// embeddedField reports whether field i of the struct ptr points to is
// embedded.
func embeddedField(ptr types.Type, i int) bool {
	p, ok := ptr.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	return ok && i < st.NumFields() && st.Field(i).Embedded()
}

// isCellOf reports whether t is a pointer to a conn-like type: the type
// of a local variable (Alloc) or captured variable holding a conn.
func isCellOf(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	return ok && IsConnLike(p.Elem())
}

// isCell reports whether v is a local or captured variable's cell.
func isCell(v ssa.Value) bool {
	switch v.(type) {
	case *ssa.Alloc, *ssa.FreeVar:
		return true
	}
	return false
}

// originOf is the origin of a value asserted from x: x's own if it is a
// parameter, the heap otherwise.
func originOf(x ssa.Value) Origin {
	if _, ok := x.(*ssa.Parameter); ok {
		return FromParam
	}
	return FromHeap
}

// paramIndex returns the index of v among its function's parameters, or
// 0 if v is not one.
func paramIndex(v ssa.Value) int {
	if p, ok := v.(*ssa.Parameter); ok {
		for i, q := range p.Parent().Params {
			if q == p {
				return i
			}
		}
	}
	return 0
}

// An edge is a CFG edge, from a block to one of its successors.
type edge struct{ from, to *ssa.BasicBlock }

// dropEdges finds, for each conn, the edges along which a phi of the conn
// takes a value that is not the conn (a variable that holds the conn on
// some paths and another stream, or nil, on others): after such an edge
// the variable's events are not the conn's, so the path is dropped
// (flow.go).
func (b *funcBuilder) dropEdges() {
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			phi, ok := instr.(*ssa.Phi)
			if !ok {
				break // phis come first in a block
			}
			c := b.connOf(phi)
			if c == nil {
				continue
			}
			for i, e := range phi.Edges {
				if b.connOf(e) != c {
					if b.drops[c] == nil {
						b.drops[c] = map[edge]bool{}
					}
					b.drops[c][edge{blk.Preds[i], blk}] = true
				}
			}
		}
	}
}
