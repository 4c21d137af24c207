package connflow

import (
	"golang.org/x/tools/go/ssa"
)

// This file models goroutines started by the function (go statements,
// WaitGroup.Go, errgroup.Group.Go). A goroutine's reads are not ordered
// with the function's own events, so they are not events: they mark the
// conn as read (and drained, if read to EOF) concurrently. Its other
// events are placed at the go statement, marked Concurrent, after a Go
// event that says, on each path, which goroutines were started there.
// Where the function waits for them is in joins.go.

// A goStart is a goroutine the function starts: its go statement (or
// WaitGroup.Go or errgroup.Group.Go call), what it signals once it has
// finished (signals.go), the WaitGroups it waits for before, and whether
// the statement may start many goroutines (it is in a loop).
type goStart struct {
	instr   ssa.Instruction
	signals []signalPoint // objects of the starting function
	waits   []ssa.Value
	inLoop  bool
}

// concurrentRead records that the goroutine started at goStmt reads c
// (k is Read or ReadEOF): a read to EOF makes it the drain of a proxy,
// and any read forbids a suggested fix to drain c here.
func (b *funcBuilder) concurrentRead(c *Conn, goStmt ssa.Instruction, k Kind) {
	c.ConcurrentDrain = c.ConcurrentDrain || k == ReadEOF
	c.ConcurrentRead = true
	if c.goReaders == nil {
		c.goReaders = map[ssa.Instruction]bool{}
	}
	c.goReaders[goStmt] = true
}

// goSite counts goStmt among the go statements whose goroutine uses c,
// and reports whether it is new: its Go event is then recorded, before
// the goroutine's own events.
func (b *funcBuilder) goSite(c *Conn, goStmt ssa.Instruction) bool {
	if b.goSites[c] == nil {
		b.goSites[c] = map[ssa.Instruction]bool{}
	}
	if b.goSites[c][goStmt] {
		return false
	}
	b.goSites[c][goStmt] = true
	c.Goroutines++
	ev := b.event(c, goStmt, Go, "", modeCall, false)
	ev.Operand = -1
	b.addStep(c, goStmt, step{op: stepApply, paths: alternatives{{ev}}})
	return true
}

// goStarts finds the goroutines the function starts and how each tells
// that it has finished, in block order.
func (b *funcBuilder) goStarts() {
	var loops map[*ssa.BasicBlock]bool // when the first goroutine is found
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			if g := b.ps.goStartOf(instr); g != nil {
				if loops == nil {
					loops = cyclicBlocks(b.fn)
				}
				g.inLoop = loops[blk]
				if b.f.starts == nil {
					b.f.starts = map[ssa.Instruction]*goStart{}
				}
				b.f.starts[instr] = g
				b.f.startOrder = append(b.f.startOrder, g)
			}
		}
	}
}

// goStartOf returns the goroutine instr starts, or nil: a go statement
// (of a closure made here, or of a function, whose signals map to the
// arguments), or a launcher call (WaitGroup.Go, errgroup.Group.Go),
// which signals its group.
func (ps *pkgState) goStartOf(instr ssa.Instruction) *goStart {
	var call *ssa.CallCommon
	var g *goStart
	switch in := instr.(type) {
	case *ssa.Go:
		call = &in.Call
		g = &goStart{instr: instr}
	case *ssa.Call:
		i, ok := goLaunchers[keyOf(&in.Call)]
		if !ok || i >= len(in.Call.Args) {
			return nil
		}
		g = &goStart{instr: instr}
		g.signals = append(g.signals, signalPoint{instr: instr, obj: syncObj(in.Call.Args[0]), how: Done})
		if mc, ok := in.Call.Args[i].(*ssa.MakeClosure); ok {
			sigs, waits := ps.closureStart(mc)
			g.signals, g.waits = append(g.signals, sigs...), waits
		}
		return g
	default:
		return nil
	}
	if mc, ok := call.Value.(*ssa.MakeClosure); ok {
		g.signals, g.waits = ps.closureStart(mc)
		return g
	}
	if fn := call.StaticCallee(); fn != nil && !call.IsInvoke() {
		g.signals, g.waits = ps.signals(fn).at(call.Args, false)
	}
	return g
}

// closureStart returns what the closure mc, started in a goroutine,
// signals and waits for, as objects of the function that makes it.
func (ps *pkgState) closureStart(mc *ssa.MakeClosure) ([]signalPoint, []ssa.Value) {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return nil, nil
	}
	return ps.signals(fn).at(mc.Bindings, true)
}

// cyclicBlocks returns the blocks of fn that are on a cycle of its CFG
// (in a loop).
func cyclicBlocks(fn *ssa.Function) map[*ssa.BasicBlock]bool {
	out := map[*ssa.BasicBlock]bool{}
	for _, blk := range fn.Blocks {
		seen := map[*ssa.BasicBlock]bool{}
		work := append([]*ssa.BasicBlock(nil), blk.Succs...)
		for len(work) > 0 {
			x := work[len(work)-1]
			work = work[:len(work)-1]
			if x == blk {
				out[blk] = true
				break
			}
			if !seen[x] {
				seen[x] = true
				work = append(work, x.Succs...)
			}
		}
	}
	return out
}

// Joined reports whether, after h[i], the function waited for every
// goroutine that uses c and was started on the path (a Go event of h):
// each goroutine whose signal is known is finished by a wait after h[i]
// (an event that Completes it: a Wait on its WaitGroup, enough receives
// on its channel, a receive from a waiter goroutine's channel); when one
// is not known, the function waited for all (a Wait) or received at
// least once per goroutine, as a coarser rule.
func (c *Conn) Joined(h History, i int) bool {
	var started []*Event
	for _, e := range h {
		if e.Kind == Go {
			started = append(started, e)
		}
	}
	if len(started) == 0 {
		return false
	}
	done := map[ssa.Instruction]bool{}
	all, receives := false, 0
	for _, e := range h[max(i+1, 0):] {
		for _, g := range e.Completes {
			done[g] = true
		}
		switch e.Kind {
		case JoinAll:
			all = true
		case Join:
			receives += max(e.Receives, 1)
		}
	}
	unknown := 0
	for _, e := range started {
		switch g := c.Fn.starts[e.Instr]; {
		case done[e.Instr]:
		case g == nil || len(g.signals) == 0:
			unknown++
		default:
			return false
		}
	}
	return unknown == 0 || all || receives >= len(started)
}

// ReadLoop reports whether c is a field of an object that a goroutine
// the package starts reads at any time (a read loop, goroles.go): the
// function that closes it cannot wait for that reader.
func (c *Conn) ReadLoop() bool { return c.readLoop }

// ReadConcurrentlyBefore reports whether a goroutine that reads c may be
// running at the Close ev: one was started by a go statement from which
// ev's place can be reached (a deferred Close runs at the end, so any
// reader counts), or the conn is a field of an object that a read loop
// of the package reads at any time (goroles.go). A suggested fix must
// not drain c then.
func (c *Conn) ReadConcurrentlyBefore(ev *Event) bool {
	if c.readLoop {
		return true
	}
	for goStmt := range c.goReaders {
		if ev.Deferred || reaches(goStmt.Block(), ev.Instr.Block()) {
			return true
		}
	}
	return false
}

// reaches reports whether to can be reached from from in the CFG.
func reaches(from, to *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{}
	work := []*ssa.BasicBlock{from}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if b == to {
			return true
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				work = append(work, s)
			}
		}
	}
	return false
}
