package connflow

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file walks a function's instructions (step 2 of its model) and
// records, per conn, the events each one causes and the steps the path
// dataflow (flow.go) takes there. What a call does is decided in calls.go;
// what a branch teaches in edges.go; joins in goroutines.go.

// A callMode says how a call runs: now, when the function returns, or in
// a new goroutine.
type callMode int

const (
	modeCall  callMode = iota // a call: its events happen here
	modeDefer                 // a defer: its events happen at RunDefers
	modeGo                    // a go statement: its events happen concurrently
)

// modeOf returns how instr runs its callee.
func modeOf(instr ssa.CallInstruction) callMode {
	switch instr.(type) {
	case *ssa.Defer:
		return modeDefer
	case *ssa.Go:
		return modeGo
	}
	return modeCall
}

// A stepOp is what the dataflow does to the histories at an instruction.
type stepOp int

const (
	stepApply stepOp = iota // continue every history with each of paths
	stepPush                // register a deferred group
	stepRun                 // run the registered deferred groups (RunDefers)
	stepReset               // a new conn is made here (a Dial or Accept in a loop): its history starts empty
	stepDrop                // the conn's variable gets another value: the path leaves the conn (gone)
)

// A step is one thing the dataflow does at an instruction.
type step struct {
	op    stepOp
	paths alternatives // stepApply
	group int          // stepPush: the index in funcBuilder.groups
	// call and outcomes: for stepApply at a call whose paths come from a
	// summary, what each path returns as the call's error (feasible.go).
	call     *ssa.Call
	outcomes []outcome
}

// eventsAndEscapes walks the instructions in block order and records what
// each does to the conns: events, escapes, defers run, branch edges.
func (b *funcBuilder) eventsAndEscapes() {
	var rets []*ssa.Return
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				b.call(in)
			case *ssa.RunDefers:
				for _, c := range b.f.Conns {
					switch {
					case b.returns(blk, c) && b.isWrapped(c):
						b.wrapEvent(c, in) // a wrapper constructor's result: the caller goes on with it
					case b.returns(blk, c):
						// Returned: the caller owns it before the defers run.
						b.escape(c, in, modeCall, "returned")
					case b.returnsOwned(blk, c):
						b.escape(c, in, modeCall, "its object returned")
					}
					b.addStep(c, in, step{op: stepRun})
				}
			case *ssa.If:
				b.edgeEvents(in)
			default:
				if ret, ok := instr.(*ssa.Return); ok {
					rets = append(rets, ret)
				}
				b.handedOn(instr)
			}
		}
	}
	// After every call: a Return's events need its operation's onErr.
	for _, ret := range rets {
		b.returnEvents(ret)
	}
}

// handedOn records the escapes of instructions that are not calls: a conn
// returned (or an object holding it: localobjects.go), stored anywhere
// but its own local variable or an object the function allocated, sent
// on a channel, put in a map, or captured by a closure that outlives the
// call.
func (b *funcBuilder) handedOn(instr ssa.Instruction) {
	switch in := instr.(type) {
	case *ssa.Return:
		wrapped := b.wrappedConns(in)
		for _, c := range wrapped {
			b.wrapEvent(c, in)
		}
		for _, r := range in.Results {
			if c := b.connOf(r); !slices.Contains(wrapped, c) {
				b.escape(c, in, modeCall, "returned")
			}
		}
		for _, c := range b.f.Conns {
			if b.returnsOwned(in.Block(), c) {
				b.escape(c, in, modeCall, "its object returned")
			}
		}
	case *ssa.Store:
		if c := b.connOf(in.Val); c != nil && !(isCell(in.Addr) && b.connOf(in.Addr) == c) && !b.wrapperStore(in) && !b.ownedStore(in) {
			b.escape(c, in, modeCall, "stored")
		}
		if !isCell(in.Addr) {
			b.handsOnObject(in.Val, in, modeCall, "its object stored")
		}
		if c := b.connOf(in.Addr); c != nil && isCell(in.Addr) && b.connOf(in.Val) != c {
			b.addStep(c, in, step{op: stepDrop}) // the variable holds another value from here on
		}
	case *ssa.Send:
		b.escape(b.connOf(in.X), in, modeCall, "sent on a channel")
		b.handsOnObject(in.X, in, modeCall, "its object sent on a channel")
	case *ssa.MapUpdate:
		b.escape(b.connOf(in.Value), in, modeCall, "stored in a map")
		b.escape(b.connOf(in.Key), in, modeCall, "stored in a map")
		b.handsOnObject(in.Value, in, modeCall, "its object stored in a map")
		b.handsOnObject(in.Key, in, modeCall, "its object stored in a map")
	case *ssa.MakeClosure:
		if !closureInlined(in) {
			for _, bind := range in.Bindings {
				b.escape(b.connOf(bind), in, modeCall, "captured by a closure that outlives the call")
				b.handsOnObject(bind, in, modeCall, "its object captured by a closure that outlives the call")
			}
		}
	}
}

// returns reports whether the block blk ends by returning the conn c.
func (b *funcBuilder) returns(blk *ssa.BasicBlock, c *Conn) bool {
	ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
	if !ok {
		return false
	}
	for _, r := range ret.Results {
		if b.connOf(r) == c {
			return true
		}
	}
	return false
}

// resets starts a conn's history afresh where a call returns it: in a
// loop, each Accept or Dial makes a new connection, and the events of the
// previous iteration's connection are not its history.
func (b *funcBuilder) resets() {
	for _, c := range b.f.Conns {
		for _, v := range c.Values {
			if rt, ok := b.roots[v]; !ok || rt.origin != FromCall {
				continue
			}
			var def ssa.Instruction
			switch v := v.(type) {
			case *ssa.Call:
				def = v
			case *ssa.Extract:
				def, _ = v.Tuple.(ssa.Instruction)
			}
			if def != nil {
				b.addStep(c, def, step{op: stepReset})
			}
		}
	}
}

// record turns u's paths into events of c at the call site s, and
// registers them as a step of c's dataflow: applied here, pushed as a
// deferred group, or (in a goroutine) applied concurrently. A path that
// hands the conn on ends in an Escape event.
func (b *funcBuilder) record(c *Conn, s callSite, u use) {
	u.paths, u.outcomes = absorbEmpty(u.paths, u.outcomes)
	var paths alternatives
	for i, p := range u.paths {
		var evs []*Event
		rejected := u.mode == modeCall && u.via != "" && !u.shared && i < len(u.outcomes) && rejects(p, u.outcomes[i])
		for j, k := range p {
			if u.via != "" && k.goroutineOnly() {
				continue // the callee's goroutines, started and waited for inside it
			}
			if k == Escape {
				evs = append(evs, b.escapeEvent(c, s.instr, u.mode, u.via, "handed on by "+u.via))
				break
			}
			if u.mode == modeGo && (k == Read || k == ReadEOF) {
				b.concurrentRead(c, s.instr, k)
				continue
			}
			ev := b.eventOf(evKey{c, s.instr, k, u.via, u.mode == modeDefer, u.mode == modeGo, rejected && j == len(p)-1}, u.calleeOwns)
			ev.Linger = u.linger
			ev.Prefix = ev.Prefix || u.prefix
			ev.Operand = u.operand
			if u.into != nil && k == BufWrite {
				ev.Into, ev.IntoOperand = u.into, u.intoOperand
			}
			evs = append(evs, ev)
		}
		paths = append(paths, evs)
	}
	switch u.mode {
	case modeGo:
		b.goSite(c, s.instr) // its Go event comes first
	case modeDefer:
		b.groups[c] = append(b.groups[c], paths)
		b.addStep(c, s.instr, step{op: stepPush, group: len(b.groups[c]) - 1})
		return
	}
	st := step{op: stepApply, paths: paths}
	if call, ok := s.instr.(*ssa.Call); ok && u.mode == modeCall && len(u.outcomes) == len(paths) {
		st.call, st.outcomes = call, u.outcomes
	}
	b.addStep(c, s.instr, st)
}

// evKey identifies an event: one kind of operation on one conn at one
// instruction, by one route.
type evKey struct {
	conn       *Conn
	instr      ssa.Instruction
	kind       Kind
	via        string
	deferred   bool
	concurrent bool
	rejected   bool // Event.Rejected: a helper's read on the paths where it then returned an error of its own
}

// event returns the event of kind k on c at instr, making it on first
// use. A direct call's event is placed at the call's '(' (where go/ssa
// puts calls), any other at the instruction.
func (b *funcBuilder) event(c *Conn, instr ssa.Instruction, k Kind, via string, mode callMode, calleeOwns bool) *Event {
	return b.eventOf(evKey{c, instr, k, via, mode == modeDefer, mode == modeGo, false}, calleeOwns)
}

// eventOf returns the event key identifies, making it on first use.
func (b *funcBuilder) eventOf(key evKey, calleeOwns bool) *Event {
	if ev, ok := b.evs[key]; ok {
		return ev
	}
	instr := key.instr
	pos := instr.Pos()
	if ci, ok := instr.(ssa.CallInstruction); ok && !key.deferred && !key.concurrent && ci.Common().Pos().IsValid() {
		pos = ci.Common().Pos()
	}
	ev := &Event{ID: b.nextID, Kind: key.kind, Conn: key.conn, Pos: pos, Instr: instr, Via: key.via,
		Deferred: key.deferred, Concurrent: key.concurrent, CalleeOwns: calleeOwns, Rejected: key.rejected}
	b.nextID++
	b.evs[key] = ev
	key.conn.Events = append(key.conn.Events, ev)
	return ev
}

// addStep registers s as a step of c's dataflow at instr.
func (b *funcBuilder) addStep(c *Conn, instr ssa.Instruction, s step) {
	m := b.steps[c]
	if m == nil {
		m = map[ssa.Instruction][]step{}
		b.steps[c] = m
	}
	m[instr] = append(m[instr], s)
}

// absorbEmpty drops a helper's paths that do nothing to the conn when
// another path with the same outcome writes it: from the call site the
// two cannot be told apart, and a writer's path that writes nothing is
// its shortcut for empty input (bytes.Buffer.WriteTo with nothing
// buffered), not a request it chose not to send. A path that does
// nothing and returns differently (a nil error where the write's is
// unknown: not the write's own error, which its caller knows to be nil
// where the write succeeded) stays.
func absorbEmpty(paths [][]Kind, outs []outcome) ([][]Kind, []outcome) {
	out := func(i int) outcome {
		if i < len(outs) {
			return outs[i]
		}
		return anyErr
	}
	writes := func(p []Kind) bool { return slices.Contains(p, Write) || slices.Contains(p, BufWrite) }
	var keepP [][]Kind
	var keepO []outcome
	for i, p := range paths {
		absorbed := false
		for j, q := range paths {
			if len(p) == 0 && j != i && out(j) == out(i) && writes(q) {
				absorbed = true
				break
			}
		}
		if !absorbed {
			keepP = append(keepP, p)
			if outs != nil {
				keepO = append(keepO, out(i))
			}
		}
	}
	return keepP, keepO
}
