package connflow

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// This file models goroutines started by the function (go statements,
// WaitGroup.Go, errgroup.Group.Go) and the places where the function may
// wait for them. A goroutine's reads are not ordered with the function's
// own events, so they are not events: they mark the conn as read (and
// drained, if read to EOF) concurrently. Its other events are placed at
// the go statement, marked Concurrent.

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

// goSite counts goStmt among the go statements whose goroutine uses c.
func (b *funcBuilder) goSite(c *Conn, goStmt ssa.Instruction) {
	if b.goSites[c] == nil {
		b.goSites[c] = map[ssa.Instruction]bool{}
	}
	if !b.goSites[c][goStmt] {
		b.goSites[c][goStmt] = true
		c.Goroutines++
	}
}

// joins records, for conns used by goroutines started here, the places
// where the function may wait for them: channel receives and blocking
// selects (each may wait for one goroutine: Join) and WaitGroup or
// errgroup Wait (waits for all: JoinAll).
func (b *funcBuilder) joins() {
	var conc []*Conn
	for _, c := range b.f.Conns {
		if c.Goroutines > 0 {
			conc = append(conc, c)
		}
	}
	if len(conc) == 0 {
		return
	}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			k := joinKind(instr)
			if k == 0 {
				continue
			}
			for _, c := range conc {
				ev := b.event(c, instr, k, "", modeCall, false)
				ev.Operand = -1
				b.addStep(c, instr, step{op: stepApply, paths: alternatives{{ev}}})
			}
		}
	}
}

// joinKind returns the kind of join instr is, or 0.
func joinKind(instr ssa.Instruction) Kind {
	switch in := instr.(type) {
	case *ssa.UnOp:
		if in.Op == token.ARROW {
			return Join
		}
	case *ssa.Select:
		if in.Blocking {
			return Join
		}
	case *ssa.Call:
		if key := keyOf(&in.Call); key[1] == "Wait" &&
			(key[0] == "sync.WaitGroup" || key[0] == "golang.org/x/sync/errgroup.Group") {
			return JoinAll
		}
	}
	return 0
}

// ReadConcurrentlyBefore reports whether a goroutine that reads c may be
// running at the Close ev: one was started by a go statement from which
// ev's place can be reached (a deferred Close runs at the end, so any
// reader counts). A suggested fix must not drain c then.
func (c *Conn) ReadConcurrentlyBefore(ev *Event) bool {
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
