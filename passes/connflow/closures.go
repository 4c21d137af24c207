package connflow

import (
	"golang.org/x/tools/go/ssa"
)

// This file decides what calling, deferring or starting a closure made
// here does to the conns it captures or is given: the closure's summary,
// inlined at the site. A closure that is stored or returned instead
// outlives the call, and its captured conns escape (record.go).

// closureCall inlines the summary of the closure mc at the site, in the
// given mode: its free variables map to mc's bindings, its parameters to
// args. A closure whose model cannot be built (a recursion cycle, a
// budget) makes its captured conns escape.
func (b *funcBuilder) closureCall(s callSite, mode callMode, mc *ssa.MakeClosure, args []ssa.Value) decision {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return decision{}
	}
	b.tellSameConn(fn, mc)
	sum := b.ps.summary(fn)
	d := decision{known: sum != nil}
	for i, bind := range mc.Bindings {
		if b.connOf(bind) == nil {
			continue
		}
		if sum == nil {
			d.uses = append(d.uses, use{value: bind, operand: -1, mode: mode, escape: "captured by a closure that cannot be analyzed"})
			continue
		}
		for _, fe := range sum.FreeVars {
			if fe.Index == i {
				paths, outs := decodePaths(fe.Paths)
				d.uses = append(d.uses, use{value: bind, operand: -1, mode: mode, paths: paths, outcomes: outs, via: "a closure",
					shared: sum.streams() > 1})
			}
		}
	}
	for i, a := range args {
		if b.connOf(a) == nil || sum == nil {
			continue
		}
		if pe, ok := sum.param(i); ok {
			paths, outs := decodePaths(pe.Paths)
			d.uses = append(d.uses, use{value: a, operand: i, mode: mode, paths: paths, outcomes: outs, via: "a closure",
				calleeOwns: true, onErr: errKindOf(paths), shared: sum.streams() > 1})
		}
	}
	return d
}

// tellSameConn tells the closure fn, before its model is built, which of
// its free variables mc binds to one connection (say a conn and a
// bufio.Writer over it), so that the closure orders their events as one
// history (identity.go, joinSameConnFreeVars).
func (b *funcBuilder) tellSameConn(fn *ssa.Function, mc *ssa.MakeClosure) {
	if _, built := b.ps.models[fn]; built {
		return
	}
	groups := make([]int, len(mc.Bindings))
	for i, bind := range mc.Bindings {
		groups[i] = -1
		if c := b.connOf(bind); c != nil {
			groups[i] = c.ID
		}
	}
	b.ps.sameConn[fn] = groups
}

// closureInlined reports whether a closure is only ever called, deferred
// or started right here (so its effects can be inlined at those sites).
func closureInlined(mc *ssa.MakeClosure) bool {
	for _, r := range *mc.Referrers() {
		ci, ok := r.(ssa.CallInstruction)
		if !ok {
			return false
		}
		call := ci.Common()
		if call.Value == mc {
			continue
		}
		if _, ok := goLaunchers[keyOf(call)]; ok && len(call.Args) > 1 && call.Args[1] == mc {
			continue
		}
		return false
	}
	return true
}
