package connflow

import (
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file decides which functions only make in-memory conns. A conn from net.Pipe has a conn type but no socket, so
// no rule judges its Close (funcBuilder.noTeardown). The same holds for a
// conn made by a function that can only return in-memory streams: a
// helper that returns one end of net.Pipe, an in-memory listener's Dial,
// a multiplexer's stream (yamux's *Stream, x/crypto/ssh's chanConn)
// returned as net.Conn. Such a function is an in-memory producer for a
// conn-typed result when every non-nil value it returns there is
//
//   - a result of net.Pipe,
//   - a conversion to an interface of a concrete type that holds no socket
//     (holdsSocket), or
//   - a result of another in-memory producer (this package's, or one
//     known from an InMemory fact),
//
// through Phis, interface conversions and local variables. A parameter, a
// field or global, a real Dial, an unknown call: the function is not one.
// Within a package the producers are the greatest fixpoint of that rule
// over the package's functions, so the answer does not depend on the order
// in which they are visited (a recursive producer stays one). A function
// that only ever returns nil there is not a producer.

// InMemory is the fact exported for an in-memory producer: the indices
// of the results that are always in-memory streams (or nil), sorted.
type InMemory struct {
	Results []int
}

// AFact marks InMemory as a fact.
func (*InMemory) AFact() {}

// String shows the fact as -debug=f prints it: inmemory(0 1).
func (m *InMemory) String() string {
	parts := make([]string, len(m.Results))
	for i, r := range m.Results {
		parts[i] = fmt.Sprint(r)
	}
	return "inmemory(" + strings.Join(parts, " ") + ")"
}

// connResults returns the indices of fn's results whose type is a conn.
func connResults(sig *types.Signature) []int {
	var idx []int
	for i := 0; i < sig.Results().Len(); i++ {
		if IsConn(sig.Results().At(i).Type()) {
			idx = append(idx, i)
		}
	}
	return idx
}

// isGeneric reports whether fn is generic or an instance of a generic
// function: its conn results are of type-parameter type, never in memory.
func isGeneric(fn *ssa.Function) bool {
	return fn.TypeParams().Len() > 0 || fn.Signature.RecvTypeParams().Len() > 0 || fn.Origin() != nil
}

// findProducers computes the package's in-memory producers among funcs
// (the functions built, with their closures): it starts from every
// conn-typed result of every candidate and removes those the rule does
// not justify until nothing changes.
func (ps *pkgState) findProducers(funcs []*ssa.Function) {
	ps.producers = map[*ssa.Function]map[int]bool{}
	ps.indexStores(funcs)
	var cands []*ssa.Function
	for _, fn := range funcs {
		if fn.Blocks == nil || isGeneric(fn) {
			continue
		}
		idx := connResults(fn.Signature)
		if len(idx) == 0 {
			continue
		}
		set := map[int]bool{}
		for _, i := range idx {
			set[i] = true
		}
		ps.producers[fn] = set
		cands = append(cands, fn)
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range cands {
			for _, i := range sortedKeys(ps.producers[fn]) {
				if !ps.returnsInMemory(fn, i) {
					delete(ps.producers[fn], i)
					changed = true
				}
			}
		}
	}
	for fn, set := range ps.producers {
		if len(set) == 0 {
			delete(ps.producers, fn)
		}
	}
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[int]bool) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// producedResults returns, sorted, the results for which fn (of this
// package) is an in-memory producer.
func (ps *pkgState) producedResults(fn *ssa.Function) []int {
	return sortedKeys(ps.producers[fn])
}

// inMemoryCall reports whether result index of call is an in-memory
// stream: net.Pipe, or a static call of an in-memory producer. Calls
// through an interface are not: the dynamic callee is unknown.
func (ps *pkgState) inMemoryCall(call *ssa.CallCommon, index int) bool {
	if call.IsInvoke() {
		return false
	}
	callee := call.StaticCallee()
	if callee == nil {
		return false
	}
	if k, ok := funcKey(callee); ok && k == [2]string{"net", "Pipe"} {
		return true
	}
	if isGeneric(callee) {
		return false
	}
	if callee.Pkg != nil && callee.Pkg.Pkg == ps.pass.Pkg {
		return ps.producers[callee][index]
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg() == ps.pass.Pkg {
		return false
	}
	var fact InMemory
	if !ps.pass.ImportObjectFact(obj, &fact) {
		return false
	}
	for _, r := range fact.Results {
		if r == index {
			return true
		}
	}
	return false
}

// memKind classifies a returned value.
type memKind int

const (
	memNil   memKind = iota // nil (or nothing new: a cycle)
	memYes                  // an in-memory stream
	memOther                // anything else
)

// join combines two classifications: anything else beats an in-memory
// stream, which beats nil.
func (k memKind) join(o memKind) memKind { return max(k, o) }

// returnsInMemory reports whether every value fn returns at result i is
// nil or an in-memory stream, and at least one is a stream.
func (ps *pkgState) returnsInMemory(fn *ssa.Function, i int) bool {
	k := memNil
	seen := map[ssa.Value]bool{}
	for _, blk := range fn.Blocks {
		if ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) {
			k = k.join(ps.classify(ret.Results[i], seen))
			if k == memOther {
				return false
			}
		}
	}
	return k == memYes
}

// classify says what a returned value v is: nil, an in-memory stream, or
// anything else (seen breaks cycles through Phis and cells).
func (ps *pkgState) classify(v ssa.Value, seen map[ssa.Value]bool) memKind {
	if seen[v] {
		return memNil // already counted
	}
	seen[v] = true
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return memNil
		}
	case *ssa.Phi:
		k := memNil
		for _, e := range v.Edges {
			if k = k.join(ps.classify(e, seen)); k == memOther {
				break
			}
		}
		return k
	case *ssa.MakeInterface:
		if !ps.holdsSocket(v.X.Type()) {
			return memYes
		}
	case *ssa.ChangeInterface:
		return ps.classify(v.X, seen)
	case *ssa.ChangeType:
		return ps.classify(v.X, seen)
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && ps.inMemoryCall(&call.Call, v.Index) {
			return memYes
		}
	case *ssa.Call:
		if ps.inMemoryCall(&v.Call, 0) {
			return memYes
		}
	case *ssa.UnOp:
		// A local variable that go/ssa could not lift (a closure captures
		// it): what was stored into it.
		if a, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL {
			if vals, ok := cellValues(a); ok {
				k := memNil // the cell starts as nil
				for _, x := range vals {
					if k = k.join(ps.classify(x, seen)); k == memOther {
						break
					}
				}
				return k
			}
		}
	}
	if slot, ok := elementLoad(v); ok {
		return ps.slotKind(slot, seen) // loaded from a collection of the package's
	}
	return memOther
}

// cellValues returns the values stored into a local cell, when it is only
// stored to and loaded from here and only read by the closures it is
// captured by.
func cellValues(a *ssa.Alloc) ([]ssa.Value, bool) {
	var vals []ssa.Value
	for _, r := range *a.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr != a {
				return nil, false // its address is stored somewhere
			}
			vals = append(vals, r.Val)
		case *ssa.UnOp:
			if r.Op != token.MUL {
				return nil, false
			}
		case *ssa.DebugRef:
		case *ssa.MakeClosure:
			fn, ok := r.Fn.(*ssa.Function)
			if !ok {
				return nil, false
			}
			for i, b := range r.Bindings {
				if b == a && !onlyLoaded(fn.FreeVars[i]) {
					return nil, false
				}
			}
		default:
			return nil, false
		}
	}
	return vals, true
}

// onlyLoaded reports whether a closure only reads the captured variable fv.
func onlyLoaded(fv *ssa.FreeVar) bool {
	for _, r := range *fv.Referrers() {
		switch r := r.(type) {
		case *ssa.UnOp:
			if r.Op != token.MUL {
				return false
			}
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// fdHolders are the types that own, or may own, a stream socket
// (besides the conns of IsConn): a value holding one may have a TCP
// teardown. A datagram socket (net.UDPConn, net.IPConn, a PacketConn) and
// a file (*os.File: a TUN device, a serial line, a pipe) are not stream
// sockets: a conn type of the package built over them only has no TCP
// teardown, like one built in memory.
var fdHolders = [][2]string{
	{"net", "TCPConn"},
	{"net", "UnixConn"},
	{"net", "conn"},
	{"net", "netFD"},
	{"net", "Listener"},
	{"net", "TCPListener"},
	{"net", "UnixListener"},
	{"crypto/tls", "Conn"},
	{"internal/poll", "FD"},
	{"syscall", "Conn"},
	{"syscall", "RawConn"},
}

// notStream are the types that own a file descriptor that is not a
// stream socket: a value holding only such is not a stream connection.
var notStream = [][2]string{
	{"net", "UDPConn"},
	{"net", "IPConn"},
	{"os", "File"},
}

// holdsSocket reports whether a value of type t may own a stream socket:
// t is a conn (IsConn) or an fd holder, or one of its fields, elements or
// pointees is, transitively. Interfaces that are not conns (io.ReadWriteCloser,
// ssh.Channel, net.Addr, net.PacketConn) say nothing and count as no
// stream socket; type parameters may be anything and count as one.
func (ps *pkgState) holdsSocket(t types.Type) bool {
	if r, ok := ps.sockets[t]; ok {
		return r
	}
	r := holdsSocket(t, map[types.Type]bool{}, 0)
	if ps.sockets == nil {
		ps.sockets = map[types.Type]bool{}
	}
	ps.sockets[t] = r
	return r
}

// holdsSocket is ps.holdsSocket without the memo: seen breaks cycles.
func holdsSocket(t types.Type, seen map[types.Type]bool, depth int) bool {
	t = types.Unalias(t)
	if seen[t] {
		return false // a cycle: this type is being examined further up
	}
	if depth > 64 {
		return true // unknown: not proven in memory
	}
	seen[t] = true
	if IsConn(t) {
		return true
	}
	pkg, name := typeName(t)
	for _, h := range notStream {
		if h[0] == pkg && h[1] == name {
			return false
		}
	}
	for _, h := range fdHolders {
		if h[0] == pkg && h[1] == name {
			return true
		}
	}
	if _, ok := t.(*types.TypeParam); ok {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		return holdsSocket(u.Elem(), seen, depth+1)
	case *types.Array:
		return holdsSocket(u.Elem(), seen, depth+1)
	case *types.Slice:
		return holdsSocket(u.Elem(), seen, depth+1)
	case *types.Chan:
		return holdsSocket(u.Elem(), seen, depth+1)
	case *types.Map:
		return holdsSocket(u.Key(), seen, depth+1) || holdsSocket(u.Elem(), seen, depth+1)
	case *types.Struct:
		for f := range u.Fields() {
			if holdsSocket(f.Type(), seen, depth+1) {
				return true
			}
		}
	}
	return false
}
