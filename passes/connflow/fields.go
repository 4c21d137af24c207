package connflow

import (
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file decides which struct fields hold a conn that an object owns.
// A struct type declared in the analyzed package that keeps a conn in a
// field (a session, a client, a connection wrapper, or a struct embedding
// net.Conn) owns that conn: its methods write, read and close it. Within
// one function, the loads of one field from one base value (a parameter
// or free variable of such a type: a method's receiver, say) are one conn
// of origin FromField, judged like a conn the function received (a local
// variable holding such a struct, a copy of a parameter say, is a base
// too). Loads
// of a field the function also stores to are not grouped (the field may
// hold two conns). A type whose objects a goroutine started in the
// package uses is not owned unless that goroutine only reads its conns
// (goroles.go): otherwise it may own them. Its conn fields, reached from a
// parameter or free variable, are grouped the same way but are of origin
// FromShared: what the function itself does to them is real, what other
// goroutines do is not seen, so only a rule whose verdict rests on the
// function's own events (a write it buffered and never flushed) judges
// them.

// A fieldKey names a field reached from a base value: base.f1.f2...
type fieldKey struct {
	base ssa.Value // a parameter, free variable or local variable of the package's own struct type
	path string    // the field indices, "3" or "1.0"
}

// ownField returns the key of the field whose address or value v is
// (of the conn field it wraps, for a wrapper field), if its base is a
// parameter or free variable of a struct type declared in the package
// and the function does not store to the field. When a goroutine of the
// package may own such objects' conns (goOwned), only a parameter or free
// variable is a base, and the key is shared (sharedBase).
func (b *funcBuilder) ownField(v ssa.Value) (fieldKey, bool) {
	base, path, ok := fieldPath(v, 0)
	if !ok {
		return fieldKey{}, false
	}
	named := ownStruct(base.Type(), b.ps.pass.Pkg)
	if named == nil || b.goOwned(named) && !b.sharedBase(base) {
		return fieldKey{}, false
	}
	k := fieldKey{base, path}
	c := b.canonical(k)
	if b.fieldStores()[k] || b.fieldStores()[c] {
		return fieldKey{}, false
	}
	return c, true
}

// isWrapperField reports whether v is a field (or its address) that
// holds a wrapper over a conn field of the same object (wrapfields.go).
func (b *funcBuilder) isWrapperField(v ssa.Value) bool {
	base, path, ok := fieldPath(v, 0)
	return ok && b.canonical(fieldKey{base, path}).path != path
}

// canonical returns the key of the conn field that the field k wraps
// (wrapfields.go): a load of `s.bw` is a load of the conn of `s.conn`;
// k itself if it is no wrapper field.
func (b *funcBuilder) canonical(k fieldKey) fieldKey {
	c, _ := b.canonicalBuffered(k)
	return c
}

// canonicalBuffered is canonical, also through a field of an object held
// in a field, `s.framer.w` (nestedwriters.go), and returns
// the field of the holder the way goes through when that field buffers
// what is written into it (a bufio.Writer or the package's own buffered
// writer): a write into `s.framer.w` over `s.bw` is a buffered write of
// s.bw's, which a fix flushes. It is nil otherwise.
func (b *funcBuilder) canonicalBuffered(k fieldKey) (fieldKey, *types.Var) {
	st, ok := deref(k.base.Type()).Underlying().(*types.Struct)
	if !ok {
		return k, nil
	}
	parts := strings.Split(k.path, ".")
	var buffered *types.Var
	switch len(parts) {
	case 1:
	case 2:
		i, err1 := strconv.Atoi(parts[0])
		j, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil || i >= st.NumFields() {
			return k, nil
		}
		f := st.Field(i)
		inner, ok := deref(f.Type()).Underlying().(*types.Struct)
		if !ok || j >= inner.NumFields() {
			return k, nil
		}
		g := b.ps.nestedWriters()[[2]*types.Var{f, inner.Field(j)}]
		idx := fieldIndex(st, g)
		if idx < 0 {
			return k, nil
		}
		k = fieldKey{k.base, strconv.Itoa(idx)}
		if b.ps.buffersWrites(g.Type()) {
			buffered = g
		}
	default:
		return k, nil
	}
	i, err := strconv.Atoi(k.path)
	if err != nil || i >= st.NumFields() {
		return k, buffered
	}
	if j := fieldIndex(st, b.ps.wrapperFields()[st.Field(i)]); j >= 0 {
		return fieldKey{k.base, strconv.Itoa(j)}, buffered
	}
	return k, buffered
}

// fieldIndex returns the index of the field f in st, or -1.
func fieldIndex(st *types.Struct, f *types.Var) int {
	for j := 0; f != nil && j < st.NumFields(); j++ {
		if st.Field(j) == f {
			return j
		}
	}
	return -1
}

// fieldPath returns the base and the field indices of a field address
// (&x.f, through embedded structs and loaded pointer fields) or of a
// field of a struct parameter.
func fieldPath(v ssa.Value, depth int) (ssa.Value, string, bool) {
	if depth > 4 {
		return nil, "", false
	}
	var x ssa.Value
	var f int
	switch v := v.(type) {
	case *ssa.FieldAddr:
		x, f = v.X, v.Field
	case *ssa.Field:
		x, f = v.X, v.Field
	default:
		return nil, "", false
	}
	switch x := x.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Alloc:
		return x, strconv.Itoa(f), true
	case *ssa.FieldAddr:
		if base, p, ok := fieldPath(x, depth+1); ok {
			return base, p + "." + strconv.Itoa(f), true
		}
	case *ssa.UnOp:
		if base, p, ok := fieldPath(x.X, depth+1); ok {
			return base, p + "." + strconv.Itoa(f), true
		}
	}
	return nil, "", false
}

// ownStruct returns the named struct type t is, or points to, if it is
// declared in pkg.
func ownStruct(t types.Type, pkg *types.Package) *types.Named {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != pkg {
		return nil
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return nil
	}
	return n.Origin()
}

// fieldStores returns the fields the function stores to.
func (b *funcBuilder) fieldStores() map[fieldKey]bool {
	if b.stored != nil {
		return b.stored
	}
	b.stored = map[fieldKey]bool{}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			if st, ok := instr.(*ssa.Store); ok {
				if base, path, ok := fieldPath(st.Addr, 0); ok {
					b.stored[fieldKey{base, path}] = true
				}
				if fa, ok := st.Addr.(*ssa.FieldAddr); ok && b.freshOwner(fa.X) {
					b.stored[fieldKey{fa.X, strconv.Itoa(fa.Field)}] = true // into a fresh constructor's object
				}
			}
			if call, ok := instr.(*ssa.Call); ok {
				keys, _ := b.freshKeys(call) // the constructor stores them (freshobjects.go)
				for _, k := range keys {
					b.stored[k] = true
				}
			}
		}
	}
	return b.stored
}

// fieldRoot makes v a value of the object's conn in field k: the first
// value of k is the class every other one joins.
func (b *funcBuilder) fieldRoot(v ssa.Value, k fieldKey) {
	b.setRoot(v, b.fieldOrigin(k), 0)
	if rep, ok := b.fieldReps[k]; ok {
		b.uf.union(v, rep)
	} else {
		b.fieldReps[k] = v
	}
}

// goOwned reports whether a goroutine started in the package (a go
// statement) may own the conns of objects of the type named: it uses such
// objects, and does more to their conns than read and close them, or
// cannot be followed (goroles.go). Their conns are not judged. Nor are they in a
// function that starts a goroutine that only reads them: the model of
// the function does not see into the goroutine's use of the object's
// fields, so it could not tell whether it waits for the reader (a read
// to EOF it joins makes its Close safe).
func (b *funcBuilder) goOwned(named *types.Named) bool {
	switch b.ps.goRoles()[named] {
	case goOwns:
		return true
	case goReads:
		return b.startsGoroutine(named)
	}
	return false
}

// sharedBase reports whether base is a parameter or free variable of a
// type whose conns a goroutine of the package may own (goOwned): its
// conn fields are of origin FromShared. An object allocated here is not
// (localobjects.go: it is the function's until handed on).
func (b *funcBuilder) sharedBase(base ssa.Value) bool {
	switch base.(type) {
	case *ssa.Parameter, *ssa.FreeVar:
		named := ownStruct(base.Type(), b.ps.pass.Pkg)
		return named != nil && b.goOwned(named)
	}
	return false
}

// fieldOrigin is the origin of the conn in the object field k.
func (b *funcBuilder) fieldOrigin(k fieldKey) Origin {
	if b.sharedBase(k.base) {
		return FromShared
	}
	return FromField
}

// startsGoroutine reports whether the function (or the function it is
// a closure of) holds a go statement that hands an object of the type
// named to a goroutine.
func (b *funcBuilder) startsGoroutine(named *types.Named) bool {
	fn := b.fn
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	syn := fn.Syntax()
	if syn == nil {
		return true
	}
	for _, pos := range b.ps.goStmts[named] {
		if syn.Pos() <= pos && pos < syn.End() {
			return true
		}
	}
	return false
}

// markReaders marks the conn c, if it is a field of an object whose type
// a goroutine of the package only reads (a read loop): it is read
// concurrently, at any time (goroles.go).
func (b *funcBuilder) markReaders(c *Conn) {
	for _, k := range c.keys {
		if a, ok := k.base.(*ssa.Alloc); ok && b.owner(a) {
			continue // allocated here: no reader has it until it is handed on (localobjects.go)
		}
		if named := ownStruct(k.base.Type(), b.ps.pass.Pkg); named != nil && b.ps.goRoles()[named] == goReads {
			c.ConcurrentRead, c.readLoop = true, true
		}
	}
}
