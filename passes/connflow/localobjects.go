package connflow

import (
	"strconv"

	"golang.org/x/tools/go/ssa"
)

// This file decides which conns a function puts into an object it
// allocates itself: `c := &client{conn: nc, bw: bufio.NewWriter(nc)}`, a
// dial helper that then speaks the handshake through c's methods and
// closes nc when the handshake fails. An object of a struct type the
// package declares (and no conn type of its own: ownwrappers.go) holds
// the conn stored into its field. If a goroutine of the package may own
// such objects' conns (goroles.go), this one has none until the function
// hands it on, and every call that takes it does (objects.go,
// goOwnedObject):
//
//   - the store hands nothing on;
//   - the field is that conn for the rest of the function: its loads, and
//     the effects of the object's methods on it (objects.go);
//   - the conn leaves the function only with the object: returned (before
//     the defers run), stored, sent, or passed to code the model cannot
//     see, on the paths where that happens.
//
// The object must be used only in those ways and through its fields
// (converted to an interface only to be returned); every store into the
// field must store the one conn (or nil). Otherwise the stores are escapes,
// as for any object.

// An ownedState is what settleOwned decided about a field of an owner.
type ownedState int

const (
	ownedMaybe    ownedState = iota // a candidate: its stores are conn-typed
	ownedYes                        // the field is the conn stored into it
	ownedRejected                   // its stores are no one conn: from the heap
)

// owner reports whether v is an allocation, or the result of a fresh
// constructor (freshobjects.go), that may own conns.
func (b *funcBuilder) owner(v ssa.Value) bool {
	a, ok := v.(*ssa.Alloc)
	if !ok {
		return b.freshOwner(v)
	}
	if ok, seen := b.owners[a]; seen {
		return ok
	}
	named := ownStruct(a.Type(), b.ps.pass.Pkg)
	ok = named != nil && !connTyped(a.Type()) && usedAsObject(a)
	b.owners[a] = ok
	return ok
}

// usedAsObject reports whether every use of the object a is one whose
// effect on its conns the model records: a field address, a call operand,
// a store of a into memory (not into a local variable's cell: its loads
// are other values), a send, a map update, a return (results.go), a
// conversion to an interface that is returned.
func usedAsObject(a ssa.Value) bool {
	for _, r := range *a.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr, *ssa.Return, *ssa.Send, *ssa.MapUpdate, *ssa.DebugRef, ssa.CallInstruction:
		case *ssa.Store:
			if r.Addr == a || isCell(r.Addr) && !returnStore(r) {
				return false // overwritten as a whole, or kept in a variable whose loads are not followed
			}
		case *ssa.MakeInterface:
			if !onlyReturned(r) && !onlyPassed(r) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// onlyPassed reports whether the object converted to an interface as v
// is only an argument of calls: each call hands the object on (calls.go),
// on its paths.
func onlyPassed(v ssa.Value) bool {
	for _, r := range *v.Referrers() {
		ci, ok := r.(ssa.CallInstruction)
		if !ok || ci.Common().Value == v { // not its receiver, as an interface
			return false
		}
	}
	return true
}

// ownedKey returns the key of v, the address of a field of an owner
// allocation, and whether the field may be owned (not rejected).
func (b *funcBuilder) ownedKey(v ssa.Value) (fieldKey, bool) {
	fa, ok := v.(*ssa.FieldAddr)
	if !ok {
		return fieldKey{}, false
	}
	a := fa.X
	if !IsConnLike(deref(fa.Type())) && !b.isCallbackField(fa) || !b.owner(a) {
		return fieldKey{}, false
	}
	k := fieldKey{a, strconv.Itoa(fa.Field)}
	st, seen := b.ownedFields[k]
	if !seen {
		st = ownedMaybe
		if !b.fieldStores()[k] {
			st = ownedRejected // never stored here: not this function's conn
		}
		b.ownedFields[k] = st
		b.ownedPending = b.ownedPending || st == ownedMaybe
	}
	return k, st != ownedRejected
}

// settleOwned decides the candidate fields once the identities are
// known: a field whose every store stores one conn (or nil) is that conn;
// its addresses join the conn's class. Any other is rejected, and its
// loads are from the heap. It reports whether anything changed, so that
// the identities run again (loads of the fields join, or root).
func (b *funcBuilder) settleOwned() bool {
	if !b.ownedPending {
		return false // no candidate (most functions)
	}
	b.ownedPending = false
	stores := map[fieldKey][]ssa.Value{}
	addrs := map[fieldKey][]ssa.Value{}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case *ssa.Call:
				keys, args := b.freshKeys(in) // the constructor stored the arguments
				for i, k := range keys {
					if b.ownedFields[k] == ownedMaybe {
						stores[k] = append(stores[k], args[i])
					}
				}
			case *ssa.Store:
				if k, ok := b.ownedKey(in.Addr); ok && b.ownedFields[k] == ownedMaybe {
					stores[k] = append(stores[k], in.Val)
				}
			case *ssa.FieldAddr:
				if k, ok := b.ownedKey(in); ok && b.ownedFields[k] == ownedMaybe {
					addrs[k] = append(addrs[k], in)
				}
			}
		}
	}
	changed := false
	for k, vals := range stores {
		changed = true
		rep := b.oneConn(vals)
		if rep == nil {
			b.ownedFields[k] = ownedRejected
			continue
		}
		b.ownedFields[k] = ownedYes
		b.fieldReps[k] = rep
		for _, a := range addrs[k] {
			b.uf.union(a, rep)
		}
	}
	return changed
}

// oneConn returns a value of the one conn that vals (nil constants aside)
// are, or nil.
func (b *funcBuilder) oneConn(vals []ssa.Value) ssa.Value {
	var rep ssa.Value
	for _, v := range vals {
		if isNilConst(Unconvert(v)) {
			continue
		}
		if !b.tracked(v) || rep != nil && b.uf.find(v) != b.uf.find(rep) {
			return nil
		}
		if rep == nil {
			rep = v
		}
	}
	return rep
}

// ownedStore reports whether st stores its conn into a field of an
// object the function allocated, which then holds it: no escape.
func (b *funcBuilder) ownedStore(st *ssa.Store) bool {
	k, ok := b.ownedKey(st.Addr)
	if b.isCallbackField(st.Addr) && !b.callbackStore(st) {
		return false // a closure the object holds no conn of (callbacks.go)
	}
	return ok && b.ownedFields[k] == ownedYes && b.connOf(st.Addr) == b.connOf(st.Val)
}

// returnedObjects returns the owner objects that the block's return
// gives back (directly or converted to an interface).
func (b *funcBuilder) returnedObjects(blk *ssa.BasicBlock) []ssa.Value {
	ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
	if !ok {
		return nil
	}
	var out []ssa.Value
	for _, r := range ret.Results {
		if a := Unconvert(returnedValue(r, blk)); b.owner(a) {
			out = append(out, a)
		}
	}
	return out
}

// returnsOwned reports whether the block's return gives back an object
// that holds the conn c: c leaves with it.
func (b *funcBuilder) returnsOwned(blk *ssa.BasicBlock, c *Conn) bool {
	for _, a := range b.returnedObjects(blk) {
		for _, k := range c.keys {
			if k.base == a {
				return true
			}
		}
	}
	return false
}

// isOwnedAddr reports whether v is the address of a field that an object
// of the function owns a conn in.
func (b *funcBuilder) isOwnedAddr(v ssa.Value) bool {
	k, ok := b.ownedKey(v)
	return ok && b.ownedFields[k] == ownedYes
}
