package connflow

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file decides which functions are the project's own wrapper
// constructors: a function that returns, as one of its results, one of
// its parameters of a stream conn type (net.Conn, *net.TCPConn, ...)
// itself, or an object of a conn type declared in its
// package that holds that parameter in a field (`&peekedConn{Conn: c}`,
// a struct embedding net.Conn), on every path that returns a non-nil
// value. For its callers the result is the argument's connection: the
// two are one conn (identity.go), and the history goes on through the
// call. In the constructor, returning the conn (or storing it into the
// object it returns) is a Wrapped event, not an escape. A Wraps fact
// carries this to other packages. The wrapper's own methods are judged
// through their summaries, as for any conn type; a wrapper that holds
// the conn in a named field is seen through only in its own package
// (field effects are not exported).

// Wraps is the fact of a wrapper constructor: Results[r] is the
// parameter that result r is, or wraps; -1 for none.
type Wraps struct{ Results []int }

// AFact marks Wraps as a fact.
func (*Wraps) AFact() {}

// String shows the fact as -debug=f prints it: wraps(0<-1).
func (w *Wraps) String() string {
	s := "wraps("
	for r, p := range w.Results {
		if p >= 0 {
			s += fmt.Sprintf("%d<-%d", r, p)
		}
	}
	return s + ")"
}

// wrapsOf returns, for each result of fn, the parameter it wraps (-1 for
// none), or nil when fn is no wrapper constructor: from the package's own
// SSA when fn is here, from a fact otherwise.
func (ps *pkgState) wrapsOf(fn *ssa.Function) []int {
	if fn == nil {
		return nil
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if w, ok := ps.wraps[fn]; ok {
		return w
	}
	ps.wraps[fn] = nil // a recursive call wraps nothing
	var w []int
	if fn.Pkg != nil && fn.Pkg.Pkg == ps.pass.Pkg && fn.Blocks != nil {
		w = ps.computeWraps(fn)
	} else if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() != ps.pass.Pkg {
		var fact Wraps
		if ps.pass.ImportObjectFact(obj, &fact) {
			w = fact.Results
		}
	}
	ps.wraps[fn] = w
	return w
}

// computeWraps decides, for each conn-like result of fn, the one
// parameter every return of a non-nil value gives back or wraps.
func (ps *pkgState) computeWraps(fn *ssa.Function) []int {
	results := fn.Signature.Results()
	out := make([]int, results.Len())
	found := false
	for r := range out {
		out[r] = -1
		if !connTyped(results.At(r).Type()) {
			continue
		}
		p, ok := -1, true
		for _, blk := range fn.Blocks {
			ret, isRet := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
			if !isRet || !ok {
				continue
			}
			q, isNil := ps.wrappedParam(ret.Results[r], map[ssa.Value]bool{})
			switch {
			case isNil:
			case q < 0 || p >= 0 && q != p:
				ok = false
			default:
				p = q
			}
		}
		if ok && p >= 0 {
			out[r], found = p, true
		}
	}
	if !found {
		return nil
	}
	return out
}

// Unconvert returns the value that v converts to an interface, to
// another interface, or to a type of the same underlying type; v if none.
func Unconvert(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.MakeInterface:
			v = x.X
		case *ssa.ChangeInterface:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		default:
			return v
		}
	}
}

// wrappedParam returns the index of the conn parameter that v is or
// wraps (-1 for none), or isNil for a nil constant.
func (ps *pkgState) wrappedParam(v ssa.Value, seen map[ssa.Value]bool) (p int, isNil bool) {
	if seen[v] {
		return -1, true // a loop adds no value of its own
	}
	seen[v] = true
	switch v := Unconvert(v).(type) {
	case *ssa.Const:
		return -1, v.IsNil()
	case *ssa.Parameter:
		// A stream conn's type only: an io.ReadWriteCloser may be an
		// SSH channel or a pipe, and a conn type over it has no TCP
		// teardown (inmemory.go).
		if IsConn(v.Type()) {
			return paramIndex(v), false
		}
	case *ssa.Phi:
		return ps.phiWrapped(v, seen)
	case *ssa.Alloc:
		return ps.objectWrapped(v, seen), false
	case *ssa.UnOp:
		return ps.unwrappedParam(v), false
	case *ssa.Call:
		return ps.resultWrapped(&v.Call, 0, seen), false
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return ps.resultWrapped(&call.Call, v.Index, seen), false
		}
	}
	return -1, false
}

// unwrappedParam returns the conn parameter whose own wrapper's conn
// field the load v reads: `c.(*Conn).Conn` in tcpproxy's UnderlyingConn,
// which gives back the wrapper's conn, or c itself when c is no wrapper.
// A wrapper and the conn it holds are one connection (its methods
// forward to it), so unwrapping hands nothing on, and the result is the
// argument's conn as for a wrapper constructor. The wrapper must be a
// conn type declared in the package, reached from the parameter itself or
// a type assertion of it; -1 otherwise.
func (ps *pkgState) unwrappedParam(v *ssa.UnOp) int {
	fa, ok := v.X.(*ssa.FieldAddr)
	if v.Op != token.MUL || !ok || !IsConn(v.Type()) {
		return -1
	}
	if ownStruct(fa.X.Type(), ps.pass.Pkg) == nil || !connTyped(fa.X.Type()) {
		return -1
	}
	base := fa.X
	if e, ok := base.(*ssa.Extract); ok && e.Index == 0 {
		base = e.Tuple
	}
	if ta, ok := base.(*ssa.TypeAssert); ok {
		base = ta.X
	}
	p, ok := Unconvert(base).(*ssa.Parameter)
	if !ok || !IsConn(p.Type()) && !connTyped(p.Type()) {
		return -1
	}
	return paramIndex(p)
}

// phiWrapped returns the parameter every edge of phi gives back or wraps,
// nil edges aside.
func (ps *pkgState) phiWrapped(phi *ssa.Phi, seen map[ssa.Value]bool) (int, bool) {
	p, allNil := -1, true
	for _, e := range phi.Edges {
		q, isNil := ps.wrappedParam(e, seen)
		if isNil {
			continue
		}
		if q < 0 || p >= 0 && q != p {
			return -1, false
		}
		p, allNil = q, false
	}
	return p, allNil
}

// objectWrapped returns the conn parameter stored into a field of the
// object alloc, when alloc is an object of a conn type declared in the
// package (the wrapper) and that parameter is the only conn stored into
// it; -1 otherwise.
func (ps *pkgState) objectWrapped(alloc *ssa.Alloc, seen map[ssa.Value]bool) int {
	if ownStruct(alloc.Type(), ps.pass.Pkg) == nil || !connTyped(alloc.Type()) {
		return -1
	}
	p := -1
	for _, r := range *alloc.Referrers() {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok || fa.X != alloc {
			continue
		}
		for _, fr := range *fa.Referrers() {
			st, ok := fr.(*ssa.Store)
			if !ok || st.Addr != fa || !IsConnLike(st.Val.Type()) {
				continue
			}
			q, isNil := ps.wrappedParam(st.Val, seen)
			if isNil {
				continue
			}
			if q < 0 || p >= 0 && q != p {
				return -1
			}
			p = q
		}
	}
	return p
}

// resultWrapped returns the parameter of the calling function that the
// index'th result of call wraps, through the callee's own wrapping of one
// of its arguments; -1 if none.
func (ps *pkgState) resultWrapped(call *ssa.CallCommon, index int, seen map[ssa.Value]bool) int {
	if call.IsInvoke() {
		return -1
	}
	w := ps.wrapsOf(call.StaticCallee())
	if index >= len(w) || w[index] < 0 || w[index] >= len(call.Args) {
		return -1
	}
	q, _ := ps.wrappedParam(call.Args[w[index]], seen)
	return q
}

// wrappedArg returns the argument of call that its index'th result wraps
// (a call of a wrapper constructor), or nil.
func (ps *pkgState) wrappedArg(call *ssa.CallCommon, index int) ssa.Value {
	if call.IsInvoke() {
		return nil
	}
	w := ps.wrapsOf(call.StaticCallee())
	if index >= len(w) || w[index] < 0 || w[index] >= len(call.Args) {
		return nil
	}
	return call.Args[w[index]]
}

// connTyped reports whether values of type t may be conns: conn-like
// types, and any type with Read, Write and Close methods (the project's
// own conn types).
func connTyped(t types.Type) bool {
	if IsConnLike(t) {
		return true
	}
	ms := types.NewMethodSet(t)
	for _, m := range []string{"Read", "Write", "Close"} {
		if ms.Lookup(nil, m) == nil {
			return false
		}
	}
	return true
}

// exportWraps exports the Wraps fact of fn, a package-level function, if
// it is a wrapper constructor.
func (ps *pkgState) exportWraps(fn *ssa.Function, obj *types.Func) {
	if w := ps.wrapsOf(fn); w != nil {
		ps.pass.ExportObjectFact(obj, &Wraps{Results: w})
	}
}

// wrappedConns returns the conns that b's function, a wrapper
// constructor, gives back to its caller at the return ret (nil: at any
// return): those of the parameters its results wrap, where the result
// is not nil.
func (b *funcBuilder) wrappedConns(ret *ssa.Return) []*Conn {
	var out []*Conn
	for r, p := range b.ps.wrapsOf(b.fn) {
		if p < 0 || p >= len(b.fn.Params) {
			continue
		}
		if ret != nil {
			if k, ok := ret.Results[r].(*ssa.Const); ok && k.IsNil() {
				continue
			}
		}
		if c := b.connOf(b.fn.Params[p]); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// isWrapped reports whether c is a conn that b's function, a wrapper
// constructor, gives back to its caller.
func (b *funcBuilder) isWrapped(c *Conn) bool {
	return c != nil && slices.Contains(b.wrappedConns(nil), c)
}

// wrapperStore reports whether st stores a conn that b's function wraps
// into the object it returns as the wrapper (`&peekedConn{Conn: c}`):
// the conn goes to the caller with the object, not elsewhere.
func (b *funcBuilder) wrapperStore(st *ssa.Store) bool {
	fa, ok := st.Addr.(*ssa.FieldAddr)
	if !ok {
		return false
	}
	alloc, ok := fa.X.(*ssa.Alloc)
	if !ok || !b.returnsValue(alloc) {
		return false
	}
	return b.isWrapped(b.connOf(st.Val)) && b.ps.objectWrapped(alloc, map[ssa.Value]bool{}) >= 0
}

// returnsValue reports whether a return of b's function gives back v
// (through interface conversions and phis).
func (b *funcBuilder) returnsValue(v ssa.Value) bool {
	for _, blk := range b.fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for _, r := range ret.Results {
			if flowsFrom(r, v, map[ssa.Value]bool{}) {
				return true
			}
		}
	}
	return false
}

// flowsFrom reports whether x is v, or v converted to an interface or
// merged by a phi.
func flowsFrom(x, v ssa.Value, seen map[ssa.Value]bool) bool {
	if x == v {
		return true
	}
	if seen[x] {
		return false
	}
	seen[x] = true
	if u := Unconvert(x); u != x {
		return flowsFrom(u, v, seen)
	}
	switch x := x.(type) {
	case *ssa.Phi:
		for _, e := range x.Edges {
			if flowsFrom(e, v, seen) {
				return true
			}
		}
	}
	return false
}

// wrapEvent records that the return at instr gives c back to the caller
// as a wrapper constructor's result.
func (b *funcBuilder) wrapEvent(c *Conn, instr ssa.Instruction) {
	ev := b.event(c, instr, Wrapped, "", modeCall, false)
	ev.Operand = -1
	b.addStep(c, instr, step{op: stepApply, paths: alternatives{{ev}}})
}
