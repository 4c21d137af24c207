package connflow

import (
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// The path analysis is a forward dataflow over the function's CFG, one
// connection at a time. A state is one path's recent history of events
// plus the deferred groups registered on it; the value at a block is the
// set of states of all paths reaching it. Sets are bounded (MaxStates)
// and histories are bounded (MaxHistory), so the analysis terminates; a
// set that outgrows its budget marks the conn Overflow.

type pathState struct {
	hist   History
	defers []int
}

func (s pathState) key() string {
	var b strings.Builder
	for _, e := range s.hist {
		b.WriteString(strconv.Itoa(e.ID))
		b.WriteByte(',')
	}
	b.WriteByte('|')
	for _, d := range s.defers {
		b.WriteString(strconv.Itoa(d))
		b.WriteByte(',')
	}
	return b.String()
}

type stateSet map[string]pathState

// push appends ev to the history (merging with a last event of the same
// kind), recording the history before it as reaching ev.
func (b *funcBuilder) push(c *Conn, s pathState, ev *Event) pathState {
	h := s.hist
	b.recordReach(c, ev, h)
	n := len(h)
	var out History
	if n > 0 && h[n-1].Kind == ev.Kind && ev.Kind != Join { // receives are counted
		out = append(append(History(nil), h[:n-1]...), ev)
	} else {
		out = append(append(History(nil), h...), ev)
	}
	if len(out) > MaxHistory {
		out = out[len(out)-MaxHistory:]
	}
	return pathState{hist: out, defers: s.defers}
}

func (b *funcBuilder) recordReach(c *Conn, ev *Event, h History) {
	for _, old := range c.Reaching[ev] {
		if sameHistory(old, h) {
			return
		}
	}
	c.Reaching[ev] = append(c.Reaching[ev], h)
}

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

func (b *funcBuilder) applyStep(c *Conn, st step, in stateSet) stateSet {
	out := stateSet{}
	add := func(s pathState) { out[s.key()] = s }
	for _, s := range in {
		switch st.op {
		case stepApply:
			for _, p := range st.paths {
				t := s
				for _, ev := range p {
					t = b.push(c, t, ev)
				}
				add(t)
			}
		case stepPush:
			dup := false
			for _, d := range s.defers {
				dup = dup || d == st.group
			}
			if !dup { // a defer in a loop registers once: its effect is the same
				s.defers = append(append([]int(nil), s.defers...), st.group)
			}
			add(s)
		case stepReset:
			add(pathState{defers: s.defers})
		case stepRun:
			states := []pathState{{hist: s.hist}}
			for i := len(s.defers) - 1; i >= 0; i-- {
				var next []pathState
				for _, t := range states {
					for _, p := range b.groups[c][s.defers[i]] {
						u := t
						for _, ev := range p {
							u = b.push(c, u, ev)
						}
						next = append(next, u)
					}
				}
				states = next
			}
			for _, t := range states {
				add(t)
			}
		}
	}
	return out
}

func (b *funcBuilder) flow(c *Conn) {
	steps := b.steps[c]
	edges := b.edges[c]
	if len(steps) == 0 && len(edges) == 0 {
		return
	}
	in := map[*ssa.BasicBlock]stateSet{b.fn.Blocks[0]: {"|": pathState{}}}
	work := []*ssa.BasicBlock{b.fn.Blocks[0]}
	queued := map[*ssa.BasicBlock]bool{b.fn.Blocks[0]: true}
	for len(work) > 0 {
		blk := work[0]
		work = work[1:]
		queued[blk] = false
		cur := in[blk]
		for _, instr := range blk.Instrs {
			for _, st := range steps[instr] {
				cur = b.applyStep(c, st, cur)
			}
			if _, ok := instr.(*ssa.Return); ok {
				for _, s := range cur {
					c.exits = appendUnique(c.exits, s.hist)
				}
			}
		}
		for i, succ := range blk.Succs {
			out := cur
			if ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If); ok {
				if pair, ok := edges[ifi]; ok && pair[i] != nil {
					out = stateSet{}
					for _, s := range cur {
						t := b.push(c, s, pair[i])
						out[t.key()] = t
					}
				}
			}
			dst := in[succ]
			if dst == nil {
				dst = stateSet{}
				in[succ] = dst
			}
			grew := false
			for k, s := range out {
				if _, ok := dst[k]; !ok {
					dst[k] = s
					grew = true
				}
			}
			if len(dst) > MaxStates {
				c.Overflow = true
				return
			}
			if grew && !queued[succ] {
				queued[succ] = true
				work = append(work, succ)
			}
		}
	}
	sortEvents(c.Events)
}

func appendUnique(hs []History, h History) []History {
	for _, old := range hs {
		if sameHistory(old, h) {
			return hs
		}
	}
	return append(hs, h)
}
