package connflow

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file decides when two paths' states are one state, for the path
// analysis (flow.go): the same events in order, the same defer list, the
// same knowledge, and both gone or neither. A block's set of states keeps
// each state once, in the order the states were first added.

// A stateSet is a set of states in the order they were added. A small set
// compares a new state with each of its states; one that outgrows
// smallSet also keeps an open-addressing table of its states by hash.
// (A map per set was most of what the path analysis allocated.)
type stateSet struct {
	states []pathState
	table  []int32 // index+1 of a state, at its hash's slot; nil while small
	buf    []int32 // a table the set had before it was reused
}

// smallSet is how many states a set holds before it hashes them.
const smallSet = 8

// newStateSet returns an empty set with room for n states.
func newStateSet(n int) *stateSet {
	return &stateSet{states: make([]pathState, 0, n)}
}

// newSet returns an empty set with room for n states: one the dataflow
// is done with, if any. The dataflow keeps only the sets at blocks'
// starts; those it makes on the way through a block and along an edge
// are done with once the block's successors have taken them in.
func (fs *flowState) newSet(n int) *stateSet {
	if len(fs.spare) == 0 {
		return newStateSet(n)
	}
	set := fs.spare[len(fs.spare)-1]
	fs.spare = fs.spare[:len(fs.spare)-1]
	set.states = slices.Grow(set.states[:0], n)
	if set.table != nil {
		set.buf, set.table = set.table, nil
	}
	return set
}

// release hands set back for newSet to reuse.
func (fs *flowState) release(set *stateSet) { fs.spare = append(fs.spare, set) }

// knows reports whether some state of the set knows how ifi goes.
func (set *stateSet) knows(ifi *ssa.If) bool {
	for i := range set.states {
		if _, ok := set.states[i].known.lookup(ifi); ok {
			return true
		}
	}
	return false
}

// add adds s unless the set holds it already; it reports whether it did.
func (set *stateSet) add(s pathState) bool {
	if set.table == nil {
		for i := range set.states {
			if set.states[i].same(s) {
				return false
			}
		}
		set.states = append(set.states, s)
		if len(set.states) > smallSet {
			set.rehash(8 * smallSet)
		}
		return true
	}
	mask := uint32(len(set.table) - 1)
	i := s.hash() & mask
	for ; set.table[i] != 0; i = (i + 1) & mask {
		if set.states[set.table[i]-1].same(s) {
			return false
		}
	}
	set.states = append(set.states, s)
	set.table[i] = int32(len(set.states))
	if 2*len(set.states) > len(set.table) {
		set.rehash(2 * len(set.table))
	}
	return true
}

// rehash rebuilds the table with n slots (a power of two).
func (set *stateSet) rehash(n int) {
	if cap(set.buf) >= n {
		set.table, set.buf = set.buf[:n], nil
		clear(set.table)
	} else {
		set.table = make([]int32, n)
	}
	mask := uint32(n - 1)
	for j := range set.states {
		i := set.states[j].hash() & mask
		for set.table[i] != 0 {
			i = (i + 1) & mask
		}
		set.table[i] = int32(j + 1)
	}
}

// same reports whether s and t are one state. Events are compared by
// pointer: one builder makes every event of a function once.
func (s *pathState) same(t pathState) bool {
	return s.gone == t.gone && s.defers == t.defers && s.known == t.known && sameHistory(s.hist, t.hist)
}

// hash returns a hash of s that equal states share: of its events' IDs
// and of the numbers of its (shared) defer list and knowledge.
func (s *pathState) hash() uint32 {
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * 1099511628211 }
	if s.gone {
		mix(1)
	}
	if s.defers != nil {
		mix(uint64(s.defers.id) << 1)
	}
	if s.known != nil {
		mix(uint64(s.known.id) << 2)
	}
	for _, e := range s.hist {
		mix(uint64(e.ID) + 1)
	}
	return uint32(h ^ h>>32)
}
