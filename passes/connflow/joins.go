package connflow

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file finds where the function waits for the goroutines it
// started, and which of them each wait is sure to have finished. A
// receive is a Join, a WaitGroup's or errgroup's Wait a JoinAll; each
// Completes the goroutines whose signal (signals.go) it has certainly
// seen:
//
//   - a Wait: every goroutine that marks that WaitGroup Done (or was
//     launched by its Go);
//   - a receive on a channel that one goroutine closes and nothing else
//     sends on: that goroutine;
//   - a receive on a channel that goroutines send on: all of them, when
//     the receives of the channel that must have happened by then (the
//     ones that dominate it, and N per iteration of a counted loop
//     `for i := 0; i < N; i++` on the loop's exit) are at least as many
//     as the sends; a goroutine started in a loop may send any number of
//     times, so it is never completed by counting;
//   - and, through a waiter goroutine (`wg.Wait(); close(done)`), what
//     its wait completes.
//
// A receive on ctx.Done(), and a non-nil error received from a copy's
// channel or returned by errgroup's Wait, is an Abort (aborts.go).

// joins records, for conns used by goroutines started here, the places
// where the function waits for them; and, for every conn of the
// function, the receives on ctx.Done(): a function that returns because
// its context is done (a server loop told to shut down, a proxy
// cancelled) tears its conns down on purpose.
func (b *funcBuilder) joins() {
	conc := b.concurrentConns()
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					b.receive(conc, in, syncObj(in.X))
				}
			case *ssa.Select:
				b.selectCases(conc, in)
			case *ssa.Call:
				if w := waitedObj(&in.Call); w != nil && len(conc) > 0 {
					b.joinEvent(conc, in, JoinAll, b.completed(w, 0))
				}
			}
		}
	}
	if len(conc) > 0 {
		b.loopJoins(conc)
	}
}

// concurrentConns returns the conns that goroutines started here use.
func (b *funcBuilder) concurrentConns() []*Conn {
	var conc []*Conn
	for _, c := range b.f.Conns {
		if c.Goroutines > 0 {
			conc = append(conc, c)
		}
	}
	return conc
}

// receive records the receive in on ch: an Abort of every conn if ch is
// a context's Done channel, a Join of the concurrent ones otherwise.
func (b *funcBuilder) receive(conc []*Conn, in *ssa.UnOp, ch ssa.Value) {
	switch {
	case isCtxDone(ch):
		b.joinEvent(b.f.Conns, in, Abort, nil)
	case len(conc) > 0:
		b.joinEvent(conc, in, Join, b.completed(ch, b.receivesBefore(ch, in)+1))
	}
}

// joinEvent records an event of kind k (Join, JoinAll, Abort) at instr
// for each conn of conc.
func (b *funcBuilder) joinEvent(conc []*Conn, instr ssa.Instruction, k Kind, completes []ssa.Instruction) {
	for _, c := range conc {
		ev := b.event(c, instr, k, "", modeCall, false)
		ev.Operand, ev.Completes, ev.Receives = -1, completes, 1
		b.addStep(c, instr, step{op: stepApply, paths: alternatives{{ev}}})
	}
}

// edgeEvent records, for each conn of conc, an event of kind k learnt on
// the edge to the succ'th successor of ifi, standing for n receives.
func (b *funcBuilder) edgeEvent(conc []*Conn, ifi *ssa.If, succ int, k Kind, completes []ssa.Instruction, n int, pos token.Pos) {
	for _, c := range conc {
		ev := b.event(c, ifi, k, "", modeCall, false)
		ev.Operand, ev.Completes, ev.Receives, ev.Pos = -1, completes, n, pos
		b.addEdge(c, ifi, succ, ev)
	}
}

// selectCases records what each receiving case of a select does, on the
// edge where that case was chosen (`if index == k`): a Join, or an Abort
// for ctx.Done(). A blocking select whose cases cannot be told apart is
// one Join at the select.
func (b *funcBuilder) selectCases(conc []*Conn, sel *ssa.Select) {
	edges := selectEdges(sel)
	for k, st := range sel.States {
		if st.Dir != types.RecvOnly {
			continue
		}
		ifi, ok := edges[k]
		if !ok {
			if sel.Blocking {
				b.joinEvent(conc, sel, Join, nil)
			}
			return
		}
		ch := syncObj(st.Chan)
		if isCtxDone(ch) {
			b.edgeEvent(b.f.Conns, ifi, 0, Abort, nil, 0, st.Pos)
			continue
		}
		if len(conc) > 0 {
			b.edgeEvent(conc, ifi, 0, Join, b.completed(ch, b.receivesBefore(ch, sel)+1), 1, st.Pos)
		}
	}
}

// selectEdges returns, for each case k of sel, the If whose true edge is
// taken when case k is chosen (`index == k`).
func selectEdges(sel *ssa.Select) map[int]*ssa.If {
	out := map[int]*ssa.If{}
	for _, r := range *sel.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 0 {
			continue
		}
		for _, r := range *ex.Referrers() {
			bin, ok := r.(*ssa.BinOp)
			if !ok || bin.Op != token.EQL || bin.X != ex {
				continue
			}
			k, ok := constInt(bin.Y, 0)
			if !ok {
				continue
			}
			for _, r := range *bin.Referrers() {
				if ifi, ok := r.(*ssa.If); ok && ifi.Cond == bin {
					out[int(k)] = ifi
				}
			}
		}
	}
	return out
}

// receivesBefore counts the receives on ch (plain receive operations)
// that happen before instr on every path: those that dominate it.
func (b *funcBuilder) receivesBefore(ch ssa.Value, instr ssa.Instruction) int {
	n := 0
	for _, blk := range b.fn.Blocks {
		for _, x := range blk.Instrs {
			if u, ok := x.(*ssa.UnOp); ok && u.Op == token.ARROW && x != instr && syncObj(u.X) == ch && dominates(x, instr) {
				n++
			}
		}
	}
	return n
}

// dominates reports whether instruction a runs before b on every path to
// b.
func dominates(a, b ssa.Instruction) bool {
	if a.Block() == b.Block() {
		return indexIn(a) < indexIn(b)
	}
	return a.Block().Dominates(b.Block())
}

// completed returns the goroutines that have certainly finished once obj
// was waited on (a Wait: received is 0) or received from received times,
// and, through waiter goroutines among them, the goroutines they waited
// for. The list is in the order the goroutines are started.
func (b *funcBuilder) completed(obj ssa.Value, received int) []ssa.Instruction {
	done := map[*goStart]bool{}
	work := b.signalledBy(obj, received)
	for len(work) > 0 {
		g := work[0]
		work = work[1:]
		if done[g] {
			continue
		}
		done[g] = true
		for _, w := range g.waits {
			work = append(work, b.signalledBy(w, 0)...)
		}
	}
	var out []ssa.Instruction
	for _, g := range b.f.startOrder {
		if done[g] {
			out = append(out, g.instr)
		}
	}
	return out
}

// signalledBy returns the goroutines whose signal on obj has certainly
// been seen: by a Wait (received 0), all that mark it Done; by received
// receives, the one goroutine that closes it and is its only signal, or
// all that send on it if they are no more than received (counting the
// function's own sends) and none is started in a loop.
func (b *funcBuilder) signalledBy(obj ssa.Value, received int) []*goStart {
	var senders, closers, done []*goStart
	loop := false
	for _, g := range b.f.startOrder {
		for _, s := range g.signals {
			if s.obj != obj {
				continue
			}
			loop = loop || repeats(g, obj)
			switch s.how {
			case Sends:
				senders = append(senders, g)
			case Closes:
				closers = append(closers, g)
			case Done:
				done = append(done, g)
			}
		}
	}
	own, ownInLoop := b.ownSends(obj)
	switch {
	case received == 0:
		return done
	case loop || ownInLoop:
		return nil
	case len(closers) == 1 && len(senders) == 0 && own == 0:
		return closers
	case len(closers) == 0 && len(senders)+own <= received:
		return senders
	}
	return nil
}

// repeats reports whether the go statement of g may start goroutines
// that signal one obj more than once: it is in a loop, and a cycle back
// to it does not make obj anew (a channel made in the loop's body is
// signalled by one goroutine per iteration).
func repeats(g *goStart, obj ssa.Value) bool {
	if !g.inLoop {
		return false
	}
	def, ok := obj.(ssa.Instruction)
	if !ok || def.Block() == nil {
		return true // a parameter, a captured variable, a global
	}
	blk := g.instr.Block()
	if def.Block() == blk {
		return false // made before the go statement, in its block
	}
	stop := map[*ssa.BasicBlock]bool{def.Block(): true}
	for _, succ := range blk.Succs {
		if reachesWithout(succ, stop, func(b *ssa.BasicBlock) bool { return b == blk }) {
			return true
		}
	}
	return false
}

// ownSends counts the function's own sends on ch, and reports whether
// one is in a loop.
func (b *funcBuilder) ownSends(ch ssa.Value) (int, bool) {
	n, loop := 0, false
	var loops map[*ssa.BasicBlock]bool
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			if s, ok := instr.(*ssa.Send); ok && syncObj(s.Chan) == ch {
				n++
				if loops == nil {
					loops = cyclicBlocks(b.fn)
				}
				loop = loop || loops[blk]
			}
		}
	}
	return n, loop
}

// isCtxDone reports whether ch is the Done channel of a context.
func isCtxDone(ch ssa.Value) bool {
	call, ok := ch.(*ssa.Call)
	if !ok {
		return false
	}
	if call.Call.IsInvoke() {
		return call.Call.Method.Name() == "Done" && namedIs(call.Call.Value.Type(), "context", "Context")
	}
	fn := call.Call.StaticCallee()
	return fn != nil && fn.Name() == "Done" && fn.Pkg != nil && fn.Pkg.Pkg.Path() == "context"
}

// loopJoins records, on the exits of counted loops (`for i := 0; i < N;
// i++`, `for range N`) that receive on a channel in every iteration, a
// Join that completes what N receives per such receive complete.
func (b *funcBuilder) loopJoins(conc []*Conn) {
	for _, l := range countedLoops(b.fn) {
		for _, r := range l.receivesPerIteration() {
			n := int(l.n) * r.n
			completes := b.completed(r.ch, n+b.receivesBefore(r.ch, l.header.Instrs[0]))
			for _, e := range l.exits {
				b.edgeEvent(conc, e.ifi, e.succ, Join, completes, n, r.pos)
			}
		}
	}
}

// A countedLoop is a loop whose counter starts at 0, grows by 1 per
// iteration and leaves the loop, at its exits, after n iterations.
type countedLoop struct {
	header *ssa.BasicBlock // the block of the counter's phi
	latch  *ssa.BasicBlock // the block that jumps back to the header
	n      int64
	exits  []loopExit
}

// A loopExit is an edge that leaves the loop.
type loopExit struct {
	ifi  *ssa.If
	succ int
}

// A loopReceive is a channel that every iteration of a loop receives
// from, and how many times.
type loopReceive struct {
	ch  ssa.Value
	n   int
	pos token.Pos // the first receive
}

// receivesPerIteration returns, per channel in order of first receive,
// how many receives every iteration performs: the receive operations and
// select cases in the loop that dominate its latch.
func (l *countedLoop) receivesPerIteration() []*loopReceive {
	var out []*loopReceive
	add := func(ch ssa.Value, pos token.Pos) {
		for _, r := range out {
			if r.ch == ch {
				r.n++
				return
			}
		}
		out = append(out, &loopReceive{ch, 1, pos})
	}
	for _, blk := range l.header.Parent().Blocks {
		if !l.header.Dominates(blk) || !blk.Dominates(l.latch) {
			continue
		}
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					add(syncObj(in.X), in.Pos())
				}
			case *ssa.Select:
				edges := selectEdges(in)
				for k, st := range in.States {
					if ifi, ok := edges[k]; ok && st.Dir == types.RecvOnly && ifi.Block().Succs[0].Dominates(l.latch) {
						add(syncObj(st.Chan), st.Pos)
					}
				}
			}
		}
	}
	return out
}

// countedLoops finds fn's counted loops: a phi i = [0, i+1] whose
// increment comes from the latch, tested as `i < N` or `i+1 < N` (N a
// constant) by an If whose false edge leaves the loop. A `for range N`
// loop is tested once more before its first iteration, on `0 < N`: that
// edge is never taken (edges.go, deadEdge).
func countedLoops(fn *ssa.Function) []*countedLoop {
	var out []*countedLoop
	for _, blk := range fn.Blocks {
		for _, instr := range blk.Instrs {
			phi, ok := instr.(*ssa.Phi)
			if !ok || len(phi.Edges) != 2 {
				continue
			}
			if l := countedLoopOf(phi); l != nil {
				out = append(out, l)
			}
		}
	}
	return out
}

// countedLoopOf returns the counted loop whose counter is phi, or nil.
func countedLoopOf(phi *ssa.Phi) *countedLoop {
	h := phi.Block()
	for init := 0; init < 2; init++ {
		start, ok := constInt(phi.Edges[init], 0)
		inc, isInc := phi.Edges[1-init].(*ssa.BinOp)
		if !ok || start != 0 || !isInc || inc.Op != token.ADD || inc.X != phi {
			continue
		}
		if one, ok := constInt(inc.Y, 0); !ok || one != 1 {
			continue
		}
		latch := h.Preds[1-init]
		l := &countedLoop{header: h, latch: latch}
		body := loopBlocks(h, latch)
		for _, v := range []ssa.Value{phi, inc} {
			if ifi, n, ok := lessThanConst(v); ok && body[ifi.Block()] && !body[ifi.Block().Succs[1]] {
				l.n = n
				l.exits = append(l.exits, loopExit{ifi, 1})
			}
		}
		if len(l.exits) == 1 && l.n > 0 {
			return l
		}
	}
	return nil
}

// lessThanConst returns the If that tests v < N, N a constant.
func lessThanConst(v ssa.Value) (*ssa.If, int64, bool) {
	for _, r := range *v.Referrers() {
		bin, ok := r.(*ssa.BinOp)
		if !ok || bin.Op != token.LSS || bin.X != v {
			continue
		}
		c, ok := bin.Y.(*ssa.Const)
		if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
			continue
		}
		n, _ := constant.Int64Val(c.Value)
		for _, r := range *bin.Referrers() {
			if ifi, ok := r.(*ssa.If); ok {
				return ifi, n, true
			}
		}
	}
	return nil, 0, false
}

// loopBlocks returns the natural loop of the back edge latch -> header:
// the header and the blocks that reach latch without passing through it.
func loopBlocks(header, latch *ssa.BasicBlock) map[*ssa.BasicBlock]bool {
	body := map[*ssa.BasicBlock]bool{header: true}
	work := []*ssa.BasicBlock{latch}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if body[b] {
			continue
		}
		body[b] = true
		work = append(work, b.Preds...)
	}
	return body
}
