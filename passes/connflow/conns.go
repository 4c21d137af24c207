package connflow

import (
	"cmp"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file turns the classes of identity.go into the function's Conns,
// and decides each one's origin, type and marks.

// makeConns turns the classes into Conns, in a deterministic order: the
// classes of parameters, of free variables, then of instructions in block
// order.
func (b *funcBuilder) makeConns() {
	members := map[ssa.Value][]ssa.Value{}
	for v := range b.uf {
		r := b.uf.find(v)
		members[r] = append(members[r], v)
	}
	for _, r := range b.classOrder() {
		c := b.newConn(r, sortedValues(members[r]))
		b.conns[r] = c
		b.f.Conns = append(b.f.Conns, c)
	}
	for _, k := range sortedKeysOf(b.fieldReps) {
		if c := b.connOf(b.fieldReps[k]); c != nil {
			c.keys = append(c.keys, k)
		}
	}
	for _, c := range b.f.Conns {
		b.markReaders(c)
	}
}

// sortedKeysOf returns the field keys in a deterministic order: by the
// position of their first value, then by path.
func sortedKeysOf(reps map[fieldKey]ssa.Value) []fieldKey {
	keys := make([]fieldKey, 0, len(reps))
	for k := range reps {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, c fieldKey) int {
		return cmp.Or(cmp.Compare(reps[a].Pos(), reps[c].Pos()), strings.Compare(reps[a].Name(), reps[c].Name()),
			strings.Compare(a.path, c.path))
	})
	return keys
}

// classOrder returns the representatives of the classes in the order of
// their first parameter, free variable or instruction.
func (b *funcBuilder) classOrder() []ssa.Value {
	var order []ssa.Value
	seen := map[ssa.Value]bool{}
	visit := func(v ssa.Value) {
		if r := b.uf.find(v); r != nil && !seen[r] {
			seen[r] = true
			order = append(order, r)
		}
	}
	for _, p := range b.fn.Params {
		visit(p)
	}
	for _, fv := range b.fn.FreeVars {
		visit(fv)
	}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				visit(v)
			}
		}
	}
	return order
}

// newConn makes the Conn of the class represented by r. Its origin is the
// weakest of its values' (Origin.weaker), FromHeap if none is a root; its
// Type is the most specific connection type among them (a *tls.Conn
// wins), unless a value has no TCP teardown.
func (b *funcBuilder) newConn(r ssa.Value, values []ssa.Value) *Conn {
	c := &Conn{ID: len(b.f.Conns), Fn: b.f, Value: r, Values: values, Origin: FromHeap,
		Reaching: map[*Event][]History{}}
	found := false
	for _, v := range values {
		if rt, ok := b.roots[v]; ok && (!found || rt.origin.weaker(c.Origin)) {
			c.Origin, c.Index, found = rt.origin, rt.index, true
		}
		t := v.Type()
		if isCell(v) {
			t = t.Underlying().(*types.Pointer).Elem()
		}
		if p, ok := v.(*ssa.Parameter); ok && !IsConn(t) {
			if rt := b.ps.refinedType(b.fn, paramIndex(p)); rt != nil {
				t = rt // every call in the package passes this conn type
			}
		}
		if IsConn(t) && (c.Type == nil || namedIs(t, "crypto/tls", "Conn")) {
			c.Type = t
		}
	}
	for _, v := range values {
		if b.noTeardown[v] {
			c.Type = nil // not a stream connection: no rule judges its Close
		}
		c.Accepted = c.Accepted || b.accepted[v]
	}
	return c
}

// sortedValues orders a class's values: parameters, then free variables,
// then the rest, each by position and then by name.
func sortedValues(vs []ssa.Value) []ssa.Value {
	rank := func(v ssa.Value) int {
		switch v.(type) {
		case *ssa.Parameter:
			return 0
		case *ssa.FreeVar:
			return 1
		}
		return 2
	}
	out := slices.Clone(vs)
	slices.SortStableFunc(out, func(a, c ssa.Value) int {
		return cmp.Or(cmp.Compare(rank(a), rank(c)), cmp.Compare(a.Pos(), c.Pos()), strings.Compare(a.Name(), c.Name()))
	})
	return out
}
