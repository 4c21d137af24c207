package connflow

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file decides how a goroutine tells the function that started it
// that it has finished: the channels it sends on or closes, and the
// WaitGroups it marks Done, on every path to its return (its signals);
// and the WaitGroups it waits for before signalling (a waiter goroutine,
// `wg.Wait(); close(done)`). A function's signals are computed from its
// SSA when it is in the package, and read from a Signals fact otherwise;
// joins.go matches them with the function's receives and Waits.

// A Signals fact says which of a function's parameters it signals on
// every path to a return: it sends on or closes a channel parameter,
// calls Done on a WaitGroup parameter, or has a helper or closure do
// so. A goroutine running the function has finished its work once its
// signal has been received. Waits are the parameters (WaitGroups) it
// waits on, on every path, before its first signal.
type Signals struct {
	Params []Signal
	Waits  []int
	// FreeVars are a closure's signals on its free variables; never
	// exported.
	FreeVars     []Signal `json:"-"`
	FreeVarWaits []int    `json:"-"`
}

// A Signal is one signalled parameter (or free variable): its index and
// how it is signalled.
type Signal struct {
	Index int
	How   SignalKind
}

// SignalKind is how a goroutine signals that it has finished.
type SignalKind byte

// The kinds of signals.
const (
	Sends  SignalKind = 's' // a send on a channel
	Closes SignalKind = 'c' // close of a channel
	Done   SignalKind = 'd' // WaitGroup.Done (or a goroutine launched by WaitGroup.Go or errgroup.Group.Go)
)

// AFact marks Signals as a fact.
func (*Signals) AFact() {}

// String shows the fact as -debug=f prints it: signals(2:s waits 0).
func (s *Signals) String() string {
	var parts []string
	for _, p := range s.Params {
		parts = append(parts, fmt.Sprintf("%d:%c", p.Index, p.How))
	}
	if len(s.Waits) > 0 {
		parts = append(parts, fmt.Sprint("waits ", s.Waits))
	}
	return "signals(" + strings.Join(parts, " ") + ")"
}

// A signalPoint is an instruction that signals a sync object (canonical,
// see syncObj) of the function, and how.
type signalPoint struct {
	instr    ssa.Instruction
	obj      ssa.Value
	how      SignalKind
	deferred bool // it happens when the function returns
}

// signals returns fn's signals: from the package's own SSA when fn is
// here, from a fact otherwise; nil when it signals nothing (or is on a
// cycle of closures and helpers being analyzed).
func (ps *pkgState) signals(fn *ssa.Function) *Signals {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if s, ok := ps.signalsOf[fn]; ok {
		return s
	}
	var s *Signals
	// A named function of the package is looked into only if its
	// signature has a conn-like parameter, as select.go builds it whether
	// or not its body mentions a conn: what is known must not depend on
	// which functions happened to be built.
	if fn.Pkg != nil && fn.Pkg.Pkg == ps.pass.Pkg && fn.Blocks != nil && (fn.Parent() != nil || sigHasConnLike(fn.Signature)) {
		ps.signalsOf[fn] = nil // a recursive call signals nothing
		s = ps.computeSignals(fn)
	} else if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() != ps.pass.Pkg {
		var fact Signals
		if ps.pass.ImportObjectFact(obj, &fact) {
			s = &fact
		}
	}
	ps.signalsOf[fn] = s
	return s
}

// computeSignals finds, for each parameter and free variable of fn, whether
// fn signals it on every path to a return, and what it waits on before.
func (ps *pkgState) computeSignals(fn *ssa.Function) *Signals {
	points, waits := ps.syncPoints(fn)
	type slot struct {
		v    ssa.Value
		free bool
		i    int
	}
	var slots []slot
	for i, p := range fn.Params {
		slots = append(slots, slot{p, false, i})
	}
	for i, fv := range fn.FreeVars {
		slots = append(slots, slot{fv, true, i})
	}
	s := &Signals{}
	var signalled []signalPoint
	for _, sl := range slots {
		how, ok := everyPath(fn, points, sl.v)
		if !ok {
			continue
		}
		if sl.free {
			s.FreeVars = append(s.FreeVars, Signal{sl.i, how})
		} else {
			s.Params = append(s.Params, Signal{sl.i, how})
		}
		for _, p := range points {
			if p.obj == sl.v {
				signalled = append(signalled, p)
			}
		}
	}
	if len(signalled) == 0 {
		return nil
	}
	for _, sl := range slots {
		switch {
		case !waitedBefore(fn, waits, sl.v, signalled):
		case sl.free:
			s.FreeVarWaits = append(s.FreeVarWaits, sl.i)
		default:
			s.Waits = append(s.Waits, sl.i)
		}
	}
	return s
}

// syncPoints returns the instructions of fn that signal (send on,
// close, Done, or call something that does) and those that wait (a
// WaitGroup's or errgroup's Wait), each with its canonical object. A
// deferred signal counts where it is deferred: if the defer is reached,
// the signal happens when fn returns. A signal inside a go statement
// does not count: it may come after fn returns.
func (ps *pkgState) syncPoints(fn *ssa.Function) (signals, waits []signalPoint) {
	for _, blk := range fn.Blocks {
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case *ssa.Send:
				signals = append(signals, signalPoint{instr: in, obj: syncObj(in.Chan), how: Sends})
			case *ssa.Call, *ssa.Defer:
				call := in.(ssa.CallInstruction).Common()
				_, deferred := in.(*ssa.Defer)
				if w := waitedObj(call); w != nil && !deferred {
					waits = append(waits, signalPoint{instr: instr, obj: w})
				}
				for _, sp := range ps.callSignals(call) {
					sp.instr, sp.deferred = instr, deferred
					signals = append(signals, sp)
				}
			}
		}
	}
	return signals, waits
}

// callSignals returns what a call signals, on every path through it:
// close(ch), wg.Done(), once.Do(f) with f a closure that signals, a
// closure called here, or a function with signals (a helper of this
// package or a fact).
func (ps *pkgState) callSignals(call *ssa.CallCommon) []signalPoint {
	if b, ok := call.Value.(*ssa.Builtin); ok {
		if b.Name() == "close" && len(call.Args) == 1 {
			return []signalPoint{{obj: syncObj(call.Args[0]), how: Closes}}
		}
		return nil
	}
	if mc, ok := call.Value.(*ssa.MakeClosure); ok {
		return ps.closureSignals(mc)
	}
	switch key := keyOf(call); key {
	case [2]string{"sync.WaitGroup", "Done"}:
		return []signalPoint{{obj: syncObj(call.Args[0]), how: Done}}
	case [2]string{"sync.Once", "Do"}:
		if mc, ok := call.Args[1].(*ssa.MakeClosure); ok {
			return ps.closureSignals(mc)
		}
		return nil
	}
	fn := call.StaticCallee()
	if fn == nil || call.IsInvoke() {
		return nil
	}
	sigs, _ := ps.signals(fn).at(call.Args, false)
	return sigs
}

// closureSignals returns what calling the closure mc signals, as objects
// of the function that makes it.
func (ps *pkgState) closureSignals(mc *ssa.MakeClosure) []signalPoint {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return nil
	}
	sigs, _ := ps.signals(fn).at(mc.Bindings, true)
	return sigs
}

// at maps s, the signals of a function, to the objects of a caller: vals
// are the arguments of a call (free false) or the bindings of a closure
// (free true). It returns the signals and the objects waited on; a nil s
// has none.
func (s *Signals) at(vals []ssa.Value, free bool) ([]signalPoint, []ssa.Value) {
	if s == nil {
		return nil, nil
	}
	sigs, waits := s.Params, s.Waits
	if free {
		sigs, waits = s.FreeVars, s.FreeVarWaits
	}
	var out []signalPoint
	for _, sig := range sigs {
		if sig.Index < len(vals) {
			out = append(out, signalPoint{obj: syncObj(vals[sig.Index]), how: sig.How})
		}
	}
	var waited []ssa.Value
	for _, i := range waits {
		if i < len(vals) {
			waited = append(waited, syncObj(vals[i]))
		}
	}
	return out, waited
}

// waitedObj returns the WaitGroup or errgroup.Group a call waits on, or
// nil.
func waitedObj(call *ssa.CallCommon) ssa.Value {
	switch keyOf(call) {
	case [2]string{"sync.WaitGroup", "Wait"}, [2]string{"golang.org/x/sync/errgroup.Group", "Wait"}:
		return syncObj(call.Args[0])
	}
	return nil
}

// everyPath reports whether every path from fn's entry to a return passes
// a point that signals v, and how (a close wins over a send: one close
// is seen by every receive).
func everyPath(fn *ssa.Function, points []signalPoint, v ssa.Value) (SignalKind, bool) {
	var how SignalKind
	at := map[*ssa.BasicBlock]bool{}
	for _, p := range points {
		if p.obj == v {
			at[p.instr.Block()] = true
			if how == 0 || p.how == Closes {
				how = p.how
			}
		}
	}
	if how == 0 {
		return 0, false
	}
	return how, !reachesWithout(fn.Blocks[0], at, func(b *ssa.BasicBlock) bool {
		_, ret := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		return ret
	})
}

// waitedBefore reports whether every path from fn's entry to one of the
// signals passes a wait on v first. A deferred signal happens at a
// return.
func waitedBefore(fn *ssa.Function, waits []signalPoint, v ssa.Value, signals []signalPoint) bool {
	at := map[*ssa.BasicBlock]bool{} // blocks that wait on v before any signal in them
	for _, w := range waits {
		if w.obj != v {
			continue
		}
		blk := w.instr.Block()
		first := true
		for _, s := range signals {
			if !s.deferred && s.instr.Block() == blk && indexIn(s.instr) < indexIn(w.instr) {
				first = false
			}
		}
		at[blk] = at[blk] || first
	}
	if len(at) == 0 {
		return false
	}
	deferred := slices.ContainsFunc(signals, func(s signalPoint) bool { return s.deferred })
	return !reachesWithout(fn.Blocks[0], at, func(b *ssa.BasicBlock) bool {
		if _, ret := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ret && deferred {
			return true
		}
		return slices.ContainsFunc(signals, func(s signalPoint) bool { return !s.deferred && s.instr.Block() == b })
	})
}

// reachesWithout reports whether a block satisfying target is reachable
// from entry without passing through a block of stop (a stop block is
// itself not a target: what it holds comes first).
func reachesWithout(entry *ssa.BasicBlock, stop map[*ssa.BasicBlock]bool, target func(*ssa.BasicBlock) bool) bool {
	seen := map[*ssa.BasicBlock]bool{}
	work := []*ssa.BasicBlock{entry}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] || stop[b] {
			continue
		}
		seen[b] = true
		if target(b) {
			return true
		}
		work = append(work, b.Succs...)
	}
	return false
}

// indexIn returns the index of instr in its block.
func indexIn(instr ssa.Instruction) int {
	return slices.Index(instr.Block().Instrs, instr)
}

// syncObj returns the canonical value of a channel, WaitGroup or
// errgroup.Group: the local or captured variable it is loaded from, or
// the value itself, through conversions of channel direction. Two
// operands with one canonical value are one object.
func syncObj(v ssa.Value) ssa.Value {
	for range 8 {
		switch x := v.(type) {
		case *ssa.UnOp:
			if x.Op == token.MUL && isVar(x.X) {
				return x.X
			}
			return v
		case *ssa.ChangeType:
			v = x.X
			continue
		}
		return v
	}
	return v
}

// isVar reports whether v is a local variable's cell or a captured
// variable.
func isVar(v ssa.Value) bool {
	switch v.(type) {
	case *ssa.Alloc, *ssa.FreeVar:
		return true
	}
	return false
}

// exportSignals exports the Signals fact of fn, a package-level function,
// if it signals a parameter.
func (ps *pkgState) exportSignals(fn *ssa.Function, obj *types.Func) {
	if s := ps.signals(fn); s != nil && len(s.Params) > 0 {
		ps.pass.ExportObjectFact(obj, &Signals{Params: s.Params, Waits: s.Waits})
	}
}
