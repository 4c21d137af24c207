package connflow

import (
	"golang.org/x/tools/go/ssa"
)

// This file is the path analysis (step 3 of a function's model): a
// forward dataflow over the function's CFG, one connection at a time. A
// state is one path's recent history of events plus the deferred groups
// registered on it; the value at a block is the set of states of all
// paths reaching it. Sets are bounded (maxStates) and histories are
// bounded (maxHistory), so the analysis terminates; a set that outgrows
// its budget marks the conn Overflow.
//
// Everything is ordered: a state set keeps its states in the order they
// were added, and the worklist is first in, first out from the entry
// block. So the histories reaching an event are found in the same order
// on every run.

// maxStates is how many distinct states one block may hold before the
// conn is given up (Overflow).
const maxStates = 256

// A pathState is one path's history and the defer groups registered on
// it. A path is gone when ownership left the function (an Escape: its
// history is then that Escape alone), or when the variables that held
// the conn hold another value from some point on (a phi edge: it keeps
// the history so far). A gone path records nothing more, and no rule
// judges what happens on it after that point.
type pathState struct {
	hist   History
	defers *deferList
	gone   bool
	known  *known // how Ifs ahead go on this path (feasible.go)
}

// A deferList is the defer groups registered on a path, newest first; the
// lists are shared (hash-consed by flowState.registered), so two paths
// with the same registrations have the same pointer.
type deferList struct {
	group int
	prev  *deferList
	id    uint32 // its number in flowState.lists, from 1 (states.go hashes it)
}

// groups returns the registered groups, oldest first.
func (d *deferList) groups() []int {
	var out []int
	for ; d != nil; d = d.prev {
		out = append(out, d.group)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// has reports whether group is registered.
func (d *deferList) has(group int) bool {
	for ; d != nil; d = d.prev {
		if d.group == group {
			return true
		}
	}
	return false
}

// flowState is the dataflow of one conn.
type flowState struct {
	b      *funcBuilder
	c      *Conn
	lists  map[deferList]*deferList // hash-consing of defer lists
	knowns map[known]*known         // hash-consing of known lists
	spare  []*stateSet              // sets done with, to reuse (states.go)
	hists  map[histKey]History      // the histories push made (extended)
	seen   map[seenKey][]int        // c.Reaching[ev]'s indices by hash (reach)
}

// A seenKey is an event and the hash of a history that reaches it.
type seenKey struct {
	ev  *Event
	sum uint64
}

// flow computes, for every event of c, the histories that reach it
// (c.Reaching), and the histories at the function's returns (c.exits).
func (b *funcBuilder) flow(c *Conn) {
	if len(b.steps[c]) == 0 && len(b.edges[c]) == 0 {
		return
	}
	fs := &flowState{b: b, c: c, lists: map[deferList]*deferList{}, knowns: map[known]*known{}, hists: map[histKey]History{}, seen: map[seenKey][]int{}}
	entry := b.fn.Blocks[0]
	in := map[*ssa.BasicBlock]*stateSet{entry: newStateSet(1)}
	in[entry].add(pathState{})
	work := []*ssa.BasicBlock{entry}
	queued := map[*ssa.BasicBlock]bool{entry: true}
	for len(work) > 0 {
		blk := work[0]
		work = work[1:]
		queued[blk] = false
		cur := fs.through(blk, in[blk])
		for i, succ := range blk.Succs {
			if deadEdge(blk, i) {
				continue
			}
			out := fs.alongEdge(blk, i, cur)
			if in[succ] == nil {
				in[succ] = newStateSet(len(out.states))
			}
			grew := false
			for _, s := range out.states {
				grew = in[succ].add(s) || grew
			}
			if out != cur {
				fs.release(out)
			}
			if len(in[succ].states) > maxStates {
				c.Overflow = true
				return
			}
			if grew && !queued[succ] {
				queued[succ] = true
				work = append(work, succ)
			}
		}
		if cur != in[blk] {
			fs.release(cur)
		}
	}
}

// through returns the states at the end of blk, given those at its start,
// and records the histories that reach the function's returns.
func (fs *flowState) through(blk *ssa.BasicBlock, start *stateSet) *stateSet {
	steps := fs.b.steps[fs.c]
	cur := start
	for _, instr := range blk.Instrs {
		for _, st := range steps[instr] {
			next := fs.apply(st, cur)
			if cur != start {
				fs.release(cur)
			}
			cur = next
		}
		if ret, ok := instr.(*ssa.Return); ok {
			o := errOutcome(ret)
			re, split := fs.b.retErrs[fs.c][ret]
			for _, s := range cur.states {
				so := o
				nonNil, knew := s.known.lookup(ret)
				switch {
				case knew && o == anyErr:
					so = nilErr
					if nonNil {
						so = nonNilErr
					}
				case split && o == anyErr && !s.gone && lastAt(s.hist, re.call):
					// The path's last operation's error is returned:
					// nil, or non-nil with what its error edge teaches.
					fs.c.exits = appendExit(fs.c.exits, exit{s.hist, nilErr})
					fs.c.exits = appendExit(fs.c.exits, exit{fs.push(s, re.ev).hist, nonNilErr})
					continue
				}
				fs.c.exits = appendExit(fs.c.exits, exit{s.hist, so})
			}
		}
	}
	return cur
}

// lastAt reports whether h's last event is the operation call, a read or
// a write, which can succeed or fail there. A helper path that ends in its
// own failure (Failed) returns no nil error; one that ends in anything
// else (a half-close, a hand-on) says nothing of what the error is.
func lastAt(h History, call ssa.Instruction) bool {
	if len(h) == 0 {
		return false
	}
	switch last := h[len(h)-1]; last.Kind {
	case Read, ReadEOF, Write, BufWrite:
		return last.Instr == call
	}
	return false
}

// alongEdge returns the states on the edge from blk to its succ'th
// successor: those at the end of blk that can take the edge (feasible.go),
// each continued with the event learnt on that edge, if any, or gone if
// the conn's variables hold another value after the edge (identity.go,
// dropEdges), and knowing what the edge's phis tell. An edge that
// changes none of them returns cur itself.
func (fs *flowState) alongEdge(blk *ssa.BasicBlock, succ int, cur *stateSet) *stateSet {
	e := edge{blk, blk.Succs[succ]}
	ifi, _ := blk.Instrs[len(blk.Instrs)-1].(*ssa.If)
	var ev *Event
	if br, ok := fs.b.edges[fs.c][ifi]; ok && ifi != nil {
		ev = br.on(succ)
	}
	conds := fs.b.phiConds(e)
	if ev == nil && len(conds) == 0 && !fs.b.drops[fs.c][e] && (ifi == nil || !cur.knows(ifi)) {
		return cur
	}
	var tested ssa.Value // the call whose error the If tests
	if ev != nil {
		if t := fs.b.testOf(ifi); t != nil {
			tested = t.call
		}
	}
	out := fs.newSet(len(cur.states))
	for _, s := range cur.states {
		knew := false
		if ifi != nil {
			if c, ok := s.known.lookup(ifi); ok {
				if c != (succ == 0) {
					continue // this path cannot take the edge
				}
				s.known = fs.knowing(s.known, ifi, false, true)
				knew = true
			}
		}
		if ev != nil && !(knew && explainedByPath(s, ev, tested)) {
			s = fs.push(s, ev)
		}
		if fs.b.drops[fs.c][e] {
			s.gone = true
		}
		for _, c := range conds {
			s.known = fs.knowing(s.known, c.ifi, c.val, false)
		}
		out.add(s)
	}
	return out
}

// apply returns the states after the step st.
func (fs *flowState) apply(st step, in *stateSet) *stateSet {
	out := fs.newSet(len(in.states))
	for _, s := range in.states {
		switch st.op {
		case stepApply:
			for i, p := range st.paths {
				t := fs.pushAll(s, p)
				if st.call != nil {
					for _, c := range fs.b.outcomeConds(st.call, st.outcomes[i]) {
						t.known = fs.knowing(t.known, c.ifi, c.val, false)
					}
				}
				out.add(t)
			}
		case stepPush:
			if !s.defers.has(st.group) { // a defer in a loop registers once: its effect is the same
				s.defers = fs.registered(s.defers, st.group)
			}
			out.add(s)
		case stepReset:
			out.add(pathState{defers: s.defers, known: s.known})
		case stepDrop:
			s.gone = true
			out.add(s)
		case stepRun:
			for _, t := range fs.runDefers(s) {
				out.add(t)
			}
		}
	}
	return out
}

// runDefers returns the states after the deferred groups registered on s
// run, newest first (LIFO), each along every one of its paths.
func (fs *flowState) runDefers(s pathState) []pathState {
	states := []pathState{{hist: s.hist, gone: s.gone, known: s.known}}
	groups := s.defers.groups()
	for i := len(groups) - 1; i >= 0; i-- {
		var next []pathState
		for _, t := range states {
			for _, p := range fs.b.groups[fs.c][groups[i]] {
				next = append(next, fs.pushAll(t, p))
			}
		}
		states = next
	}
	return states
}

// registered returns the defer list d with group registered on top.
func (fs *flowState) registered(d *deferList, group int) *deferList {
	k := deferList{group: group, prev: d}
	if l, ok := fs.lists[k]; ok {
		return l
	}
	l := &deferList{group: group, prev: d, id: uint32(len(fs.lists) + 1)}
	fs.lists[k] = l
	return l
}

// pushAll continues s with the events of p, in order.
func (fs *flowState) pushAll(s pathState, p []*Event) pathState {
	for _, ev := range p {
		s = fs.push(s, ev)
	}
	return s
}

// push appends ev to the history (merging with a last event of the same
// kind; those that are counted, receives, Waits and go statements, only
// with the same event, as a loop repeats it), recording the history
// before it as reaching ev. An Escape makes the path gone; a gone path
// stays as it is.
func (fs *flowState) push(s pathState, ev *Event) pathState {
	if s.gone {
		return s
	}
	h := s.hist
	fs.reach(ev, h)
	switch ev.Kind {
	case Escape:
		return pathState{hist: History{ev}, defers: s.defers, gone: true, known: s.known}
	case Wrapped:
		// The caller goes on with this history (ownwrappers.go).
		return pathState{hist: append(append(History(nil), h...), ev), defers: s.defers, gone: true, known: s.known}
	}
	n := len(h)
	merge := n > 0 && h[n-1].Kind == ev.Kind && (!ev.Kind.counted() || h[n-1] == ev)
	return pathState{hist: fs.extended(h, merge, ev), defers: s.defers, known: s.known}
}

// reach records that h reaches ev, unless an equal history already
// does. A block's paths reach its events with hundreds of histories (an
// io.Reader field read in a tokenizer's loop: 494), so the histories
// already recorded are found by their hash, not by a scan.
func (fs *flowState) reach(ev *Event, h History) {
	k := seenKey{ev, h.hash()}
	for _, i := range fs.seen[k] {
		if sameHistory(fs.c.Reaching[ev][i], h) {
			return
		}
	}
	fs.seen[k] = append(fs.seen[k], len(fs.c.Reaching[ev]))
	fs.c.Reaching[ev] = append(fs.c.Reaching[ev], h)
}

// A histKey names a history by its backing array and length (the
// histories of the dataflow are never written to after they are made),
// and an event to extend it with.
type histKey struct {
	start *(*Event)
	n     int
	merge bool
	ev    *Event
}

// extended returns h with ev appended, replacing h's last event if merge,
// keeping the last maxHistory events. The paths through a block often
// make the same history again (a loop's next round, states that differ
// only in what they know): they share one.
func (fs *flowState) extended(h History, merge bool, ev *Event) History {
	k := histKey{n: len(h), merge: merge, ev: ev}
	if len(h) > 0 {
		k.start = &h[0]
	}
	if out, ok := fs.hists[k]; ok {
		return out
	}
	if merge {
		h = h[:len(h)-1]
	}
	out := append(append(make(History, 0, len(h)+1), h...), ev)
	if len(out) > maxHistory {
		out = out[len(out)-maxHistory:]
	}
	fs.hists[k] = out
	return out
}

// An exit is a history that reaches a return, and what that return says
// of the function's error result.
type exit struct {
	hist History
	out  outcome
}

// appendExit appends x to xs unless xs holds an equal exit.
func appendExit(xs []exit, x exit) []exit {
	for _, old := range xs {
		if old.out == x.out && sameHistory(old.hist, x.hist) {
			return xs
		}
	}
	return append(xs, x)
}

// sameHistory reports whether a and b are the same events in order.
func sameHistory(a, b History) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hash returns a hash of h's events (by their IDs, which number the
// function's events): equal histories have equal hashes.
func (h History) hash() uint64 {
	sum := uint64(14695981039346656037) // FNV-1a
	for _, ev := range h {
		sum ^= uint64(ev.ID)
		sum *= 1099511628211
	}
	return sum
}
