package connflow

import (
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file follows an object's conns through calls. A function's
// summary says, per conn field of an object parameter (its receiver,
// say), what it does to that conn (Summary.Fields), and which object
// parameters it hands to code the model cannot see (Summary.HandsOn). A
// caller applies them to its own view of the object's fields: the conn of
// that field, or, when the caller never loads the field itself, a conn
// made for it (a virtual conn). So `c.sendQuit(); c.Close()` is judged
// with both calls' events, and an object handed to unknown code hands
// its conns on with it.

// objectOf returns the base and field path of an operand that is an
// object of a struct type the package declares: a parameter, free or
// local variable itself, or a field of one (c.inner).
func (b *funcBuilder) objectOf(v ssa.Value) (fieldKey, bool) {
	named := ownStruct(v.Type(), b.ps.pass.Pkg)
	switch {
	case named == nil:
		return fieldKey{}, false
	case b.sharedBase(v):
		// A parameter or free variable that a goroutine may share: its
		// conns are FromShared (fields.go), and the calls it is passed
		// to still apply their effects on them.
		return fieldKey{v, ""}, true
	case b.goOwned(named):
		// Otherwise only an object allocated here, which no goroutine
		// has until the function hands it on.
		return fieldKey{v, ""}, b.goOwnedObject(v)
	}
	switch v := v.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Alloc:
		return fieldKey{v, ""}, true
	case *ssa.Call:
		if b.freshOwner(v) {
			return fieldKey{v, ""}, true // freshobjects.go
		}
	case *ssa.UnOp:
		if base, p, ok := fieldPath(v.X, 0); ok && v.Op == token.MUL {
			return fieldKey{base, p}, true
		}
	case *ssa.FieldAddr:
		if base, p, ok := fieldPath(v, 0); ok {
			return fieldKey{base, p}, true
		}
	}
	return fieldKey{}, false
}

// goOwnedObject reports whether v is an object allocated here of a type
// whose conns a goroutine of the package may own (goroles.go). No
// goroutine has it until it is handed on; any call that takes it (a
// method, which may start the goroutine; the go statement itself) hands
// it on, since the methods of such a type are not summarized for its
// conn fields.
func (b *funcBuilder) goOwnedObject(v ssa.Value) bool {
	a, ok := v.(*ssa.Alloc)
	if !ok {
		return false
	}
	named := ownStruct(a.Type(), b.ps.pass.Pkg)
	return named != nil && b.goOwned(named) && b.owner(a)
}

// sub returns the key of field path p under the object k.
func (k fieldKey) sub(p string) fieldKey {
	if k.path == "" {
		return fieldKey{k.base, p}
	}
	return fieldKey{k.base, k.path + "." + p}
}

// under reports whether the field k is the object o or inside it.
func (k fieldKey) under(o fieldKey) bool {
	return k.base == o.base && (o.path == "" || k.path == o.path || strings.HasPrefix(k.path, o.path+"."))
}

// objectCalls finds the calls that hand an object to a function whose
// summary names the object's conn fields, and makes a virtual conn for
// each field the function never loads itself.
func (b *funcBuilder) objectCalls() {
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok || ci.Common().IsInvoke() {
				continue
			}
			for i, o := range operands(ci.Common()) {
				obj, ok := b.objectOf(o)
				if !ok {
					continue
				}
				callee := ci.Common().StaticCallee()
				if callee == nil {
					continue
				}
				sum := b.ps.summary(callee)
				if sum == nil {
					continue
				}
				fields := sum.Fields
				if b.sharedBase(obj.base) {
					fields = slices.Concat(fields, sum.SharedFields)
				}
				for _, fe := range fields {
					if k := b.canonical(obj.sub(fe.Path)); fe.Param == i && !b.fieldStores()[k] {
						b.wantField(k)
					}
				}
			}
		}
	}
}

// wantField notes that the object's field k has a conn here.
func (b *funcBuilder) wantField(k fieldKey) {
	if _, ok := b.fieldReps[k]; ok {
		return
	}
	for _, v := range b.virtual {
		if v == k {
			return
		}
	}
	b.virtual = append(b.virtual, k)
}

// fieldConn returns the conn of the object's field k in this function,
// or nil.
func (b *funcBuilder) fieldConn(k fieldKey) *Conn {
	if rep, ok := b.fieldReps[k]; ok {
		return b.connOf(rep)
	}
	return b.virtualConns[k]
}

// fieldConnBuffered is fieldConn of the field k's canonical key, and
// the holder's buffering field that writes into k land in, if any
// (canonicalBuffered).
func (b *funcBuilder) fieldConnBuffered(k fieldKey) (*Conn, *types.Var) {
	ck, buffered := b.canonicalBuffered(k)
	return b.fieldConn(ck), buffered
}

// makeVirtualConns makes the conns of the fields that are only reached
// through calls, after the other conns.
func (b *funcBuilder) makeVirtualConns() {
	for _, k := range b.virtual {
		t := fieldType(k.base.Type(), k.path)
		if t == nil || !IsConnLike(t) {
			continue
		}
		c := &Conn{ID: len(b.f.Conns), Fn: b.f, Origin: b.fieldOrigin(k), Reaching: map[*Event][]History{}, keys: []fieldKey{k}}
		if IsConn(t) {
			c.Type = t
		}
		b.markReaders(c)
		b.virtualConns[k] = c
		b.f.Conns = append(b.f.Conns, c)
	}
}

// fieldType returns the type of the field path p of the struct t is or
// points to, or nil.
func fieldType(t types.Type, p string) types.Type {
	for _, s := range strings.Split(p, ".") {
		i, err := strconv.Atoi(s)
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if err != nil || !ok || i >= st.NumFields() {
			return nil
		}
		t = st.Field(i).Type()
	}
	return t
}

// objectUses returns the uses of a call's summary on the conn fields of
// the objects among its operands, and the escapes of the conns of the
// objects it hands on.
func (b *funcBuilder) objectUses(s callSite, mode callMode, callee *ssa.Function, sum *Summary) []use {
	var uses []use
	for i, o := range s.ops {
		// An object that is itself a conn, a wrapper the package built
		// over one (ownwrappers.go), has that conn in its conn fields.
		var wrapper *Conn
		if ownStruct(o.Type(), b.ps.pass.Pkg) != nil {
			wrapper = b.connOf(o)
		}
		obj, ok := b.objectOf(o)
		if !ok && wrapper == nil {
			continue
		}
		for _, fe := range sum.Fields {
			var c *Conn
			var into *types.Var
			switch {
			case wrapper != nil:
				c = wrapper
			case ok:
				c, into = b.fieldConnBuffered(obj.sub(fe.Path))
			}
			if fe.Param != i || c == nil {
				continue
			}
			operand := -1
			if wrapper != nil {
				operand = i // the wrapper operand is accounted for
			}
			uses = append(uses, fieldUse(c, operand, i, into, fe, mode, callee, sum))
		}
		if ok && b.sharedBase(obj.base) {
			uses = append(uses, b.sharedUses(i, obj, mode, callee, sum)...)
		}
		for _, h := range sum.HandsOn {
			if h == i {
				if ok {
					uses = append(uses, b.objectEscapes(obj, mode, "handed on by "+callee.Name())...)
				}
				if wrapper != nil {
					uses = append(uses, use{conn: wrapper, operand: -1, mode: mode, escape: "handed on by " + callee.Name()})
				}
			}
		}
	}
	return uses
}

// sharedUses returns the uses of a call's summary on the FromShared conn
// fields (SharedFields, SharedHandsOn) of the object obj, operand i: the
// effects of a method of a type a goroutine may share reach only its
// conns of that origin in the caller, never a parameter or the object
// itself as a conn (the summaries other rules read stay as they were).
func (b *funcBuilder) sharedUses(i int, obj fieldKey, mode callMode, callee *ssa.Function, sum *Summary) []use {
	var uses []use
	for _, fe := range sum.SharedFields {
		c, into := b.fieldConnBuffered(obj.sub(fe.Path))
		if fe.Param != i || c == nil {
			continue
		}
		uses = append(uses, fieldUse(c, -1, i, into, fe, mode, callee, sum))
	}
	if slices.Contains(sum.SharedHandsOn, i) {
		uses = append(uses, b.objectEscapes(obj, mode, "handed on by "+callee.Name())...)
	}
	return uses
}

// fieldUse is the use of a summary's effect fe on a field of the object
// that is operand i, applied to the caller's conn c of that field;
// operand is the operand the use accounts for (-1: none). Writes into a
// field over a buffering field of the holder (into, nestedwriters.go:
// s.framer's writes into s.bw) are buffered writes.
func fieldUse(c *Conn, operand, i int, into *types.Var, fe FieldEffect, mode callMode, callee *ssa.Function, sum *Summary) use {
	paths, outs := decodePaths(fe.Paths)
	if into != nil {
		paths = intoBuffer(paths)
	}
	return use{conn: c, operand: operand, mode: mode, paths: paths, outcomes: outs, via: callee.Name(),
		calleeOwns: callee.Parent() == nil, onErr: errKindOf(paths), shared: sum.streams() > 1, into: into, intoOperand: i}
}

// objectEscapes returns escapes of the conns of the object obj's fields.
func (b *funcBuilder) objectEscapes(obj fieldKey, mode callMode, why string) []use {
	var uses []use
	for _, c := range b.f.Conns {
		for _, k := range c.keys {
			if k.under(obj) {
				uses = append(uses, use{conn: c, operand: -1, mode: mode, escape: why})
				break
			}
		}
	}
	return uses
}

// handsOnObject records that the object among the operands at index i
// is handed to code the model cannot see: its conns escape, and, if it
// is a parameter, the summary says so.
func (b *funcBuilder) handsOnObject(o ssa.Value, instr ssa.Instruction, mode callMode, why string) {
	obj, ok := b.objectOf(o)
	if !ok {
		return
	}
	if p, ok := obj.base.(*ssa.Parameter); ok && b.sharedBase(p) {
		b.f.sharedHandsOn[paramIndex(p)] = true
	} else if ok {
		b.f.handsOn[paramIndex(p)] = true
	}
	for _, u := range b.objectEscapes(obj, mode, why) {
		b.escape(u.conn, instr, mode, why)
	}
}
