package connflow

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file lets an in-memory producer (inmemory.go) return conns it
// loads from a collection: an in-memory listener's Accept that receives
// the server ends its Dial sends on a channel, a dialer that keeps the
// pipe ends it made in a map. A conn loaded from a map, a channel or a
// slice (or from a field of a struct loaded so) is in memory when every
// value the package stores at that place is: the collection is held in
// an unexported field of one of the package's struct types (or in an
// unexported global), so no other package stores there, and the stores
// are in functions that mention conns, which are built.

// A heapSlot is a place conns are stored at and loaded from: the
// elements of a collection held in field of the struct type holder (or
// in global), or field elem of those elements (-1: the elements
// themselves).
type heapSlot struct {
	holder types.Type
	field  int
	global *ssa.Global
	elem   int
}

// indexStores records the values the package stores into collections,
// by slot: sends (also in selects), map updates and stores to slice
// elements, and, when the elements are structs built in place, each of
// their fields.
func (ps *pkgState) indexStores(funcs []*ssa.Function) {
	ps.slotStores = map[heapSlot][]ssa.Value{}
	for _, fn := range funcs {
		for _, blk := range fn.Blocks {
			for _, instr := range blk.Instrs {
				switch in := instr.(type) {
				case *ssa.Send:
					ps.storeInto(in.Chan, in.X)
				case *ssa.Select:
					for _, st := range in.States {
						if st.Dir == types.SendOnly {
							ps.storeInto(st.Chan, st.Send)
						}
					}
				case *ssa.MapUpdate:
					ps.storeInto(in.Map, in.Value)
				case *ssa.Store:
					if ia, ok := in.Addr.(*ssa.IndexAddr); ok {
						ps.storeInto(ia.X, in.Val)
					}
				}
			}
		}
	}
}

// storeInto records that x is stored into the collection coll.
func (ps *pkgState) storeInto(coll, x ssa.Value) {
	s, ok := collectionOf(coll)
	if !ok {
		return
	}
	ps.slotStores[s] = append(ps.slotStores[s], x)
	a := builtIn(x)
	if a == nil {
		return
	}
	for _, r := range *a.Referrers() {
		if fa, ok := r.(*ssa.FieldAddr); ok && fa.X == a {
			f := s
			f.elem = fa.Field
			ps.slotStores[f] = append(ps.slotStores[f], storesTo(fa)...)
		}
	}
}

// builtIn returns the local struct (a composite literal) that x is, or
// is a copy of, or nil.
func builtIn(x ssa.Value) *ssa.Alloc {
	if u, ok := x.(*ssa.UnOp); ok && u.Op == token.MUL {
		x = u.X
	}
	a, _ := x.(*ssa.Alloc)
	return a
}

// collectionOf returns the slot of the elements of the collection v: a
// load of an unexported field of a struct, or of an unexported global.
func collectionOf(v ssa.Value) (heapSlot, bool) {
	for range 4 {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return heapSlot{}, false
			}
			switch a := x.X.(type) {
			case *ssa.FieldAddr:
				holder := a.X.Type().Underlying().(*types.Pointer).Elem()
				return heapSlot{holder: holder, field: a.Field, elem: -1}, unexportedField(holder, a.Field)
			case *ssa.Global:
				return heapSlot{global: a, elem: -1}, !token.IsExported(a.Name())
			}
		case *ssa.Field:
			return heapSlot{holder: x.X.Type(), field: x.Field, elem: -1}, unexportedField(x.X.Type(), x.Field)
		}
		return heapSlot{}, false
	}
	return heapSlot{}, false
}

// unexportedField reports whether field i of the struct t is unexported.
func unexportedField(t types.Type, i int) bool {
	st, ok := t.Underlying().(*types.Struct)
	return ok && i < st.NumFields() && !st.Field(i).Exported()
}

// elementLoad returns the slot a value is loaded from: an element of a
// collection (a map lookup, a receive, also in a select, a slice
// element), or a field of one, through local variables stored once.
func elementLoad(v ssa.Value) (heapSlot, bool) { return elementLoadAt(v, 0) }

// elementLoadAt is elementLoad at a depth of loads (cycles of local
// variables end at 8).
func elementLoadAt(v ssa.Value, depth int) (heapSlot, bool) {
	if depth > 8 {
		return heapSlot{}, false
	}
	switch x := v.(type) {
	case *ssa.Lookup:
		if !x.CommaOk {
			return collectionOf(x.X)
		}
	case *ssa.Extract:
		return extractedLoad(x)
	case *ssa.UnOp:
		switch {
		case x.Op == token.ARROW && !x.CommaOk:
			return collectionOf(x.X)
		case x.Op == token.MUL:
			return loadedElement(x.X, depth)
		}
	case *ssa.Field:
		return fieldOf(x.X, x.Field, depth)
	}
	return heapSlot{}, false
}

// extractedLoad is elementLoad for a component of a tuple: a comma-ok
// lookup or receive, or the value a select case received.
func extractedLoad(x *ssa.Extract) (heapSlot, bool) {
	switch t := x.Tuple.(type) {
	case *ssa.Lookup:
		if x.Index == 0 {
			return collectionOf(t.X)
		}
	case *ssa.UnOp:
		if x.Index == 0 && t.Op == token.ARROW {
			return collectionOf(t.X)
		}
	case *ssa.Select:
		j := 2
		for _, st := range t.States {
			if st.Dir != types.RecvOnly {
				continue
			}
			if j == x.Index {
				return collectionOf(st.Chan)
			}
			j++
		}
	}
	return heapSlot{}, false
}

// loadedElement is elementLoad for a load through addr: a slice element,
// a field of an element, or a local variable stored once.
func loadedElement(addr ssa.Value, depth int) (heapSlot, bool) {
	switch a := addr.(type) {
	case *ssa.IndexAddr:
		return collectionOf(a.X)
	case *ssa.FieldAddr:
		if base := builtIn(a.X); base != nil && storedOnce(base) != nil {
			return fieldOf(storedOnce(base), a.Field, depth)
		}
		return fieldOf(a.X, a.Field, depth)
	case *ssa.Alloc:
		if s := storedOnce(a); s != nil {
			return elementLoadAt(s, depth+1)
		}
	}
	return heapSlot{}, false
}

// fieldOf returns the slot of field i of the element (or the pointer to
// one) that x is loaded as.
func fieldOf(x ssa.Value, i int, depth int) (heapSlot, bool) {
	s, ok := elementLoadAt(x, depth+1)
	if !ok || s.elem >= 0 {
		return heapSlot{}, false
	}
	s.elem = i
	return s, true
}

// slotKind classifies what the package stores at slot s: in memory if
// every stored value is (or is nil), anything else if one is not or if
// nothing is stored there that the package can see.
func (ps *pkgState) slotKind(s heapSlot, seen map[ssa.Value]bool) memKind {
	stores := ps.slotStores[s]
	if len(stores) == 0 {
		return memOther
	}
	k := memNil
	for _, x := range stores {
		if k = k.join(ps.classify(x, seen)); k == memOther {
			break
		}
	}
	return k
}
