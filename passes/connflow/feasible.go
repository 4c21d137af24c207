package connflow

import (
	"go/constant"
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// This file decides which branches a path can take. A path may know, from
// how it got somewhere, how an If ahead will go:
//
//   - a helper's summary path that returns a nil error (or a non-nil one)
//     takes only the matching edge of `if err != nil` on the helper's
//     error result: the path on which a helper wrote nothing because it
//     failed early does not continue where the caller saw no error;
//   - a path that entered a block through a phi edge whose value is a
//     boolean constant (ok := false ... ok = true) takes only the matching
//     edge of an If on that phi.
//
// Such knowledge is a list of (If, condition) pairs in the path's state; an
// edge that contradicts it is not taken, and an If's entry is dropped once
// the path passes it.

// An outcome is whether a path through a function returns a nil error.
type outcome int8

const (
	anyErr    outcome = iota // unknown, or the function returns no error
	nilErr                   // the path returns a nil error
	nonNilErr                // the path returns a non-nil error
)

// marker is how a summary path spells its outcome: a first character '-'
// (nil error) or '+' (non-nil error); none when unknown.
func (o outcome) marker() string {
	switch o {
	case nilErr:
		return "-"
	case nonNilErr:
		return "+"
	}
	return ""
}

// A known is a path's knowledge of instructions ahead: an If's condition
// is cond, or a Return that returns a helper's error returns a non-nil
// one (cond true) or nil. The lists are shared (hash-consed by
// flowState.knowing), so two paths that know the same have the same
// pointer.
type known struct {
	ifi  ssa.Instruction // an *ssa.If or an *ssa.Return
	cond bool
	prev *known
	id   uint32 // its number in flowState.knowns, from 1 (states.go hashes it)
}

// lookup returns what k says of ifi.
func (k *known) lookup(ifi ssa.Instruction) (cond, ok bool) {
	for ; k != nil; k = k.prev {
		if k.ifi == ifi {
			return k.cond, true
		}
	}
	return false, false
}

// knowing returns k with ifi's condition set to cond (replacing what k
// said of it), or, if forget, with nothing said of ifi. When k says
// nothing of ifi, that is k itself, or k with ifi's condition on top.
func (fs *flowState) knowing(k *known, ifi ssa.Instruction, cond, forget bool) *known {
	if _, ok := k.lookup(ifi); !ok {
		if forget {
			return k
		}
		return fs.interned(ifi, cond, k)
	}
	var rest []known
	for ; k != nil; k = k.prev {
		if k.ifi != ifi {
			rest = append(rest, known{ifi: k.ifi, cond: k.cond})
		}
	}
	if !forget {
		rest = append([]known{{ifi: ifi, cond: cond}}, rest...)
	}
	var out *known
	for i := len(rest) - 1; i >= 0; i-- {
		out = fs.interned(rest[i].ifi, rest[i].cond, out)
	}
	return out
}

// interned returns the shared list that says ifi's condition is cond on
// top of prev (itself shared).
func (fs *flowState) interned(ifi ssa.Instruction, cond bool, prev *known) *known {
	key := known{ifi: ifi, cond: cond, prev: prev}
	if l, ok := fs.knowns[key]; ok {
		return l
	}
	l := &known{ifi: ifi, cond: cond, prev: prev, id: uint32(len(fs.knowns) + 1)}
	fs.knowns[key] = l
	return l
}

// A cond is an If and the value of its condition, or a Return and
// whether the error it returns is non-nil.
type cond struct {
	ifi ssa.Instruction
	val bool
}

// outcomeConds returns what a path through call that has the outcome o
// knows of the Ifs on call's error result (for `err != nil` or `== nil`,
// true or false; err == io.EOF tells nothing about which error), and of
// the Returns that return it.
func (b *funcBuilder) outcomeConds(call *ssa.Call, o outcome) []cond {
	if o == anyErr {
		return nil
	}
	var out []cond
	for _, ifi := range b.errTests(call) {
		t := b.testOf(ifi)
		if t == nil || t.eofOnly || t.isFalse {
			continue
		}
		// t.onTrue: the true edge is the one where the error is non-nil.
		out = append(out, cond{ifi, t.onTrue == (o == nonNilErr)})
	}
	for _, ret := range b.errReturns(call) {
		out = append(out, cond{ret, o == nonNilErr})
	}
	return out
}

// errReturns returns the Returns whose error result is call's.
func (b *funcBuilder) errReturns(call *ssa.Call) []*ssa.Return {
	if out, ok := b.errRets[call]; ok {
		return out
	}
	var out []*ssa.Return
	for _, blk := range b.fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) == 0 {
			continue
		}
		v := ret.Results[len(ret.Results)-1]
		if l, ok := v.(*ssa.UnOp); ok {
			// The result kept in a cell across the defers: what the
			// block last stored there.
			if s := lastStore(l, blk); s != nil {
				v = s.Val
			}
		}
		if errCall(v) == ssa.Value(call) {
			out = append(out, ret)
		}
	}
	b.errRets[call] = out
	return out
}

// errTests returns the Ifs that test call's error result against nil.
func (b *funcBuilder) errTests(call *ssa.Call) []*ssa.If {
	if ifs, ok := b.errIfs[call]; ok {
		return ifs
	}
	var ifs []*ssa.If
	for _, blk := range b.fn.Blocks {
		if ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If); ok {
			if t := b.testOf(ifi); t != nil && t.call == call {
				ifs = append(ifs, ifi)
			}
		}
	}
	b.errIfs[call] = ifs
	return ifs
}

// phiConds returns what a path entering the edge's destination through it
// knows: for every boolean phi there whose value on this edge is a
// constant, the Ifs on that phi (or its negation) go that way.
func (b *funcBuilder) phiConds(e edge) []cond {
	if out, ok := b.phiMemo[e]; ok {
		return out
	}
	out := b.edgePhiConds(e)
	b.phiMemo[e] = out
	return out
}

// edgePhiConds computes phiConds.
func (b *funcBuilder) edgePhiConds(e edge) []cond {
	var out []cond
	pred := -1
	for i, p := range e.to.Preds {
		if p == e.from {
			pred = i
		}
	}
	for _, instr := range e.to.Instrs {
		phi, ok := instr.(*ssa.Phi)
		if !ok {
			break
		}
		k, ok := phi.Edges[pred].(*ssa.Const)
		if !ok || k.Value == nil || k.Value.Kind() != constant.Bool {
			continue
		}
		v := constant.BoolVal(k.Value)
		for _, r := range *phi.Referrers() {
			switch r := r.(type) {
			case *ssa.If:
				out = append(out, cond{r, v})
			case *ssa.UnOp:
				if r.Op == token.NOT {
					for _, rr := range *r.Referrers() {
						if ifi, ok := rr.(*ssa.If); ok {
							out = append(out, cond{ifi, !v})
						}
					}
				}
			}
		}
	}
	return append(out, edgeReturnConds(e, pred)...)
}

// edgeReturnConds returns what a path entering e's destination through e
// knows of the Return there, when that Return's error result is a phi of
// the block whose outcome is unknown as a whole but known for the value it
// takes on e: `if n < len(p) && err == nil { err = io.ErrShortWrite };
// return err` returns a non-nil error on the edge where err == nil was
// false, and a phi of nil and a new error returns nil on the nil's edge.
func edgeReturnConds(e edge, pred int) []cond {
	if pred < 0 {
		return nil
	}
	ret, ok := e.to.Instrs[len(e.to.Instrs)-1].(*ssa.Return)
	if !ok || len(ret.Results) == 0 || errOutcome(ret) != anyErr {
		return nil
	}
	phi, ok := ret.Results[len(ret.Results)-1].(*ssa.Phi)
	if !ok || phi.Block() != e.to {
		return nil
	}
	v := phi.Edges[pred]
	o := nilTest(v, e.from, e.to)
	if o == anyErr {
		o = valueOutcome(v, e.from, 1)
	}
	if o == anyErr {
		return nil
	}
	return []cond{{ret, o == nonNilErr}}
}

// errOutcome returns what the Return ret says of the function's error
// result: nil (the constant), non-nil (a new error, or an error the path
// just found non-nil), or unknown. A function whose last result is not an
// error has no outcome.
func errOutcome(ret *ssa.Return) outcome {
	n := len(ret.Results)
	if n == 0 || !isErrorType(ret.Results[n-1].Type()) {
		return anyErr
	}
	return valueOutcome(ret.Results[n-1], ret.Block(), 0)
}

// valueOutcome classifies the error value v returned in blk.
func valueOutcome(v ssa.Value, blk *ssa.BasicBlock, depth int) outcome {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return nilErr
		}
	case *ssa.MakeInterface:
		return nonNilErr // an interface holding a concrete value is never nil
	case *ssa.Call:
		if k, _ := funcKey(v.Call.StaticCallee()); k == [2]string{"errors", "New"} || k == [2]string{"fmt", "Errorf"} {
			return nonNilErr
		}
	case *ssa.UnOp:
		// A named result in a cell (captured by a defer): what the block
		// last stored into it, if the defers only read it.
		if s := lastStore(v, blk); s != nil && depth < 4 {
			return valueOutcome(s.Val, blk, depth+1)
		}
	case *ssa.Phi:
		if depth < 4 {
			o := anyErr
			for i, e := range v.Edges {
				oe := valueOutcome(e, v.Block().Preds[i], depth+1)
				if oe == anyErr || i > 0 && oe != o {
					return guarded(v, blk)
				}
				o = oe
			}
			return o
		}
	}
	return guarded(v, blk)
}

// guarded returns the outcome of v in blk as the branches above blk tell
// it: blk is reached, through blocks with one predecessor each, from the
// edge of `if v != nil` (or `== nil`) on which v is non-nil (or nil). A
// load of a local cell counts as v when the If tests a load of the same
// cell and every store to the cell comes before that If.
func guarded(v ssa.Value, blk *ssa.BasicBlock) outcome {
	for i := 0; i < 8 && len(blk.Preds) == 1; i++ {
		pred := blk.Preds[0]
		if o := nilTest(v, pred, blk); o != anyErr {
			return o
		}
		blk = pred
	}
	return anyErr
}

// nilTest returns what the edge from the block pred to its successor blk
// says of v: pred ends in `if v != nil` (or `== nil`), and the edge is
// the one on which v is non-nil (or nil).
func nilTest(v ssa.Value, pred, blk *ssa.BasicBlock) outcome {
	ifi, ok := pred.Instrs[len(pred.Instrs)-1].(*ssa.If)
	if !ok {
		return anyErr
	}
	bin, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || bin.Op != token.NEQ && bin.Op != token.EQL {
		return anyErr
	}
	x, y := bin.X, bin.Y
	if isNilConst(x) {
		x, y = y, x
	}
	if !isNilConst(y) || !sameError(x, v, pred) || pred.Succs[0] == pred.Succs[1] {
		return anyErr
	}
	if (bin.Op == token.NEQ) == (pred.Succs[0] == blk) {
		return nonNilErr
	}
	return nilErr
}

// sameError reports whether the tested value x is the returned value v: the
// same SSA value, or loads of one local cell (a named result captured by
// a defer) that is stored to only in blocks that dominate the test's
// block ifBlk, and whose captures by closures only read it.
func sameError(x, v ssa.Value, ifBlk *ssa.BasicBlock) bool {
	if x == v {
		return true
	}
	lx, ok1 := x.(*ssa.UnOp)
	lv, ok2 := v.(*ssa.UnOp)
	if !ok1 || !ok2 || lx.Op != token.MUL || lv.Op != token.MUL || lx.X != lv.X {
		return false
	}
	cell, ok := lx.X.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, r := range *cell.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if !r.Block().Dominates(ifBlk) || r.Block() == ifBlk && !storedBefore(r, lx) {
				return false
			}
		}
	}
	return onlyReadByClosures(cell)
}

// lastStore returns the store into the local cell that v loads which
// comes last before v in blk, if the cell's captures by closures only read
// it; nil otherwise.
func lastStore(v *ssa.UnOp, blk *ssa.BasicBlock) *ssa.Store {
	cell, ok := v.X.(*ssa.Alloc)
	if v.Op != token.MUL || !ok || !onlyReadByClosures(cell) {
		return nil
	}
	var last *ssa.Store
	for _, instr := range blk.Instrs {
		if instr == v {
			return last
		}
		if s, ok := instr.(*ssa.Store); ok && s.Addr == cell {
			last = s
		}
	}
	return nil
}

// onlyReadByClosures reports whether every closure that captures the cell
// only reads it.
func onlyReadByClosures(cell *ssa.Alloc) bool {
	for _, r := range *cell.Referrers() {
		if mc, ok := r.(*ssa.MakeClosure); ok {
			fn, ok := mc.Fn.(*ssa.Function)
			if !ok {
				return false
			}
			for i, bind := range mc.Bindings {
				if bind == cell && !onlyLoaded(fn.FreeVars[i]) {
					return false
				}
			}
		}
	}
	return true
}

// storedBefore reports whether the store s comes before the load l in
// their block.
func storedBefore(s *ssa.Store, l ssa.Instruction) bool {
	for _, instr := range s.Block().Instrs {
		switch instr {
		case s:
			return true
		case l:
			return false
		}
	}
	return false
}
