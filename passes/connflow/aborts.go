package connflow

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file finds the deliberate aborts of a function that started
// goroutines on its conns: the paths on which it stops waiting for them
// and tears the conns down on purpose. Such a path is an Abort event, and
// the rules do not judge a Close after it (a proxy that closes both sides
// when a copy fails or the context is cancelled means to cut the other
// copy off; its clean path, on which every copy reached EOF, is judged).
// The aborts are:
//
//   - a receive on ctx.Done(), alone or as a select case (joins.go);
//   - the edge where an error received from a channel that a goroutine
//     started here sends on is not nil (`if err := <-errc; err != nil`);
//   - the edge where errgroup.Group.Wait returned an error.

// abortEdge records an Abort on the edge of ifi where a copy's error is
// not nil, for every conn used by goroutines started here.
func (b *funcBuilder) abortEdge(ifi *ssa.If) {
	bin, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || bin.Op != token.NEQ && bin.Op != token.EQL {
		return
	}
	x, y := bin.X, bin.Y
	if isNilConst(x) {
		x, y = y, x
	}
	if !isNilConst(y) || !isErrorType(x.Type()) || !b.copyError(x) {
		return
	}
	conc := b.concurrentConns()
	succ := 0 // err != nil: the true edge
	if bin.Op == token.EQL {
		succ = 1
	}
	b.edgeEvent(conc, ifi, succ, Abort, nil, 0, x.Pos())
}

// copyError reports whether the error v comes from a goroutine started
// here: received from a channel it sends on (a plain receive, a
// comma-ok receive, or a select case), or returned by errgroup's Wait.
func (b *funcBuilder) copyError(v ssa.Value) bool {
	switch v := v.(type) {
	case *ssa.UnOp:
		return v.Op == token.ARROW && b.sentByGoroutine(syncObj(v.X))
	case *ssa.Call:
		k := keyOf(&v.Call)
		return k == [2]string{"golang.org/x/sync/errgroup.Group", "Wait"}
	case *ssa.Extract:
		switch t := v.Tuple.(type) {
		case *ssa.UnOp:
			return v.Index == 0 && t.Op == token.ARROW && b.sentByGoroutine(syncObj(t.X))
		case *ssa.Select:
			return b.selectedCopyError(t, v.Index)
		}
	}
	return false
}

// selectedCopyError reports whether component index of the select's
// result is the value received by a case on a channel that a goroutine
// started here sends on. The received values follow the index and the
// ok flag, one per receiving case.
func (b *funcBuilder) selectedCopyError(sel *ssa.Select, index int) bool {
	j := 2
	for _, st := range sel.States {
		if st.Dir != types.RecvOnly {
			continue
		}
		if j == index {
			return b.sentByGoroutine(syncObj(st.Chan))
		}
		j++
	}
	return false
}

// sentByGoroutine reports whether a goroutine started here sends on ch.
func (b *funcBuilder) sentByGoroutine(ch ssa.Value) bool {
	for _, g := range b.f.startOrder {
		for _, s := range g.signals {
			if s.obj == ch && s.how == Sends {
				return true
			}
		}
	}
	return false
}
