package connflow

import (
	"strconv"

	"golang.org/x/tools/go/ssa"
)

// This file decides which functions of the package are fresh
// constructors, and treats their results in a caller like objects the
// caller allocated itself (localobjects.go). A fresh constructor
// (`func newReader(r io.Reader) *reader { return &reader{src: r} }`)
// returns, on every path that returns a non-nil value, one object it
// allocates, of a struct type the package declares (not a conn type of
// its own: ownwrappers.go), and:
//
//   - the object is only given its fields and returned: no method is
//     called on it, it is not stored, sent or passed anywhere;
//   - each conn-like parameter it holds is stored into one conn-like
//     field of that object and used in no other way: retained nowhere
//     else.
//
// In a caller of the package, the call's result then holds the
// argument in that field, as if the caller had stored it there: the call
// hands nothing on, the object's methods apply their field effects to
// the argument's conn, and the conn leaves the caller only with the
// object (returned, stored, sent, captured, or passed to code the model
// cannot see). So a read helper that builds its reader object through a
// constructor, reads through it and returns, has read its parameter, and
// its summary (a fact) says so to callers in other packages. Anything
// else about the call stays as before: the conn escapes.

// A freshField is a parameter that a fresh constructor holds, and the
// field of the object it returns that holds it.
type freshField struct{ param, field int }

// freshHolds returns the parameters that fn, a fresh constructor of the
// package, holds in the object it returns; nil if fn is none.
func (ps *pkgState) freshHolds(fn *ssa.Function) []freshField {
	if fn == nil || fn.Pkg == nil || fn.Pkg.Pkg != ps.pass.Pkg || fn.Blocks == nil || fn.Signature.Results().Len() != 1 {
		return nil
	}
	if h, ok := ps.fresh[fn]; ok {
		return h
	}
	var h []freshField
	if a := freshAlloc(fn); a != nil && ps.ownerType(a) {
		h = heldParams(fn, a)
	}
	ps.fresh[fn] = h
	return h
}

// ownerType reports whether v's type is a struct type of the package
// whose objects may own conns: no goroutine of the package touches their
// conns (goroles.go: goQuiet at most), and
// it is not a conn type of its own.
func (ps *pkgState) ownerType(v ssa.Value) bool {
	named := ownStruct(v.Type(), ps.pass.Pkg)
	return named != nil && ps.goRoles()[named] <= goQuiet && !connTyped(v.Type())
}

// freshAlloc returns the one allocation that every return of fn gives
// back (nil constants aside), if it is used only as a fresh constructor's
// object: through the addresses of its fields, returned, or converted to
// an interface that is returned.
func freshAlloc(fn *ssa.Function) *ssa.Alloc {
	var a *ssa.Alloc
	for _, blk := range fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		switch r := Unconvert(returnedValue(ret.Results[0], blk)).(type) {
		case *ssa.Const:
			if !r.IsNil() {
				return nil
			}
		case *ssa.Alloc:
			if a != nil && a != r || !r.Heap {
				return nil
			}
			a = r
		default:
			return nil
		}
	}
	if a == nil {
		return nil
	}
	for _, r := range *a.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			if IsConnLike(deref(r.Type())) && !onlyStoredTo(r) {
				return nil // a conn field's value used in the constructor
			}
		case *ssa.Return, *ssa.DebugRef:
		case *ssa.Store:
			if r.Val != a || !returnStore(r) {
				return nil // overwritten as a whole, or kept in a variable
			}
		case *ssa.MakeInterface:
			if !onlyReturned(r) {
				return nil
			}
		default:
			return nil
		}
	}
	return a
}

// onlyStoredTo reports whether every use of the field address fa stores
// into it.
func onlyStoredTo(fa *ssa.FieldAddr) bool {
	for _, r := range *fa.Referrers() {
		if st, ok := r.(*ssa.Store); !ok || st.Addr != fa {
			return false
		}
	}
	return true
}

// heldParams returns the conn-like parameters of fn that are stored into
// one conn-like field of the allocation a and used in no other way.
func heldParams(fn *ssa.Function, a *ssa.Alloc) []freshField {
	var out []freshField
	for i, p := range fn.Params {
		if !IsConnLike(p.Type()) {
			continue
		}
		field, ok := heldField(p, a, -1)
		if !ok || field < 0 {
			continue
		}
		out = append(out, freshField{param: i, field: field})
	}
	return out
}

// heldField follows v's uses: each must store it (or its conversion to
// an interface) into one conn-like field of a. It returns that field (-1
// if none), and false if v has any other use.
func heldField(v ssa.Value, a *ssa.Alloc, field int) (int, bool) {
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.DebugRef:
		case *ssa.MakeInterface, *ssa.ChangeInterface:
			f, ok := heldField(r.(ssa.Value), a, field)
			if !ok {
				return -1, false
			}
			field = f
		case *ssa.Store:
			fa, ok := r.Addr.(*ssa.FieldAddr)
			if !ok || r.Val != v || fa.X != a || !IsConnLike(deref(fa.Type())) || field >= 0 && fa.Field != field {
				return -1, false
			}
			field = fa.Field
		default:
			return -1, false
		}
	}
	return field, true
}

// freshOwner reports whether v is the result of a call of a fresh
// constructor that the function uses only as an object (usedAsObject):
// it may own the conns the call's arguments are.
func (b *funcBuilder) freshOwner(v ssa.Value) bool {
	call, ok := v.(*ssa.Call)
	if !ok || call.Call.IsInvoke() {
		return false
	}
	if ok, seen := b.owners[v]; seen {
		return ok
	}
	ok = b.ps.freshHolds(call.Call.StaticCallee()) != nil && b.ps.ownerType(call) && usedAsObject(call)
	b.owners[v] = ok
	return ok
}

// freshKeys returns, for the call of a fresh constructor whose result is
// an owner, the keys of the fields that hold its arguments and those
// arguments.
func (b *funcBuilder) freshKeys(call *ssa.Call) ([]fieldKey, []ssa.Value) {
	if !b.freshOwner(call) {
		return nil, nil
	}
	var keys []fieldKey
	var args []ssa.Value
	for _, h := range b.ps.freshHolds(call.Call.StaticCallee()) {
		if h.param < len(call.Call.Args) {
			keys = append(keys, fieldKey{call, strconv.Itoa(h.field)})
			args = append(args, call.Call.Args[h.param])
		}
	}
	return keys, args
}

// freshCall notes the fields of a fresh constructor's result as
// candidates that settleOwned decides (localobjects.go).
func (b *funcBuilder) freshCall(call *ssa.Call) {
	keys, _ := b.freshKeys(call)
	for _, k := range keys {
		if _, seen := b.ownedFields[k]; !seen {
			b.ownedFields[k] = ownedMaybe
			b.ownedPending = true
		}
	}
}

// freshDecision decides a call of a fresh constructor whose result holds
// its conn arguments (every held field settled as that argument's conn):
// the call hands them nothing on; they go on in the object.
func (b *funcBuilder) freshDecision(s callSite) (decision, bool) {
	call, ok := s.instr.(*ssa.Call)
	if !ok {
		return decision{}, false
	}
	keys, args := b.freshKeys(call)
	if keys == nil {
		return decision{}, false
	}
	d := decision{known: true}
	for i, k := range keys {
		if b.ownedFields[k] != ownedYes || b.connOf(b.fieldReps[k]) != b.connOf(args[i]) {
			return decision{}, false
		}
		for j, o := range s.ops {
			if o == args[i] {
				d.neutral = append(d.neutral, j)
			}
		}
	}
	return d, true
}
