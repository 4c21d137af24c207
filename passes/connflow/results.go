package connflow

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// This file decides what a return gives back when the function has
// defers. go/ssa then keeps the results in variables: `return c, nil`
// stores c and nil into them, runs the deferred calls, loads them back
// and returns what it loaded. An object the return gives back is so
// stored into a local variable's cell, which would otherwise keep it
// where the model does not follow it (localobjects.go, usedAsObject),
// and the Return's operand is a load, which is no object
// (returnedObjects, freshAlloc). A store that is a return's is a return.

// returnStore reports whether st is a return's store of a result: its
// block ends in a Return that gives back a load of the same variable,
// which nothing stores into between st and that load, and which no
// deferred closure writes (lastStore) and no other code reaches
// (resultVar).
func returnStore(st *ssa.Store) bool {
	blk := st.Block()
	ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
	if !ok || !resultVar(st.Addr) {
		return false
	}
	for _, r := range ret.Results {
		if ld, ok := r.(*ssa.UnOp); ok && ld.X == st.Addr && lastStore(ld, blk) == st {
			return true
		}
	}
	return false
}

// resultVar reports whether addr is a variable whose value leaves the
// function only by being returned: every use of it stores into it, loads
// it for a Return (loadReturned), or captures it in a closure (lastStore
// then requires that every such closure only reads it).
func resultVar(addr ssa.Value) bool {
	cell, ok := addr.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, r := range *cell.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr != cell {
				return false // the variable's address is stored
			}
		case *ssa.UnOp:
			if r.Op != token.MUL || !loadReturned(r, cell) {
				return false
			}
		case *ssa.MakeClosure, *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// loadReturned reports whether every use of ld, a load of the result
// variable cell, is a Return or a store back into cell (a named result's
// `return err` loads it and stores it into itself).
func loadReturned(ld *ssa.UnOp, cell *ssa.Alloc) bool {
	for _, r := range *ld.Referrers() {
		switch r := r.(type) {
		case *ssa.Return:
		case *ssa.Store:
			if r.Addr != cell {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// returnedValue is what the result v of the Return in blk gives back: the
// value the return stored, when v is its load of a result variable
// (returnStore); v itself otherwise.
func returnedValue(v ssa.Value, blk *ssa.BasicBlock) ssa.Value {
	if ld, ok := v.(*ssa.UnOp); ok {
		if st := lastStore(ld, blk); st != nil && returnStore(st) {
			return st.Val
		}
	}
	return v
}

// onlyReturned reports whether every use of v is a return: a Return's
// operand, or a return's store of a result (returnStore).
func onlyReturned(v ssa.Value) bool {
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.Return:
		case *ssa.Store:
			if r.Val != v || !returnStore(r) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
