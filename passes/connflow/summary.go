package connflow

import (
	"fmt"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file turns a function's model into a Summary of what it does to
// its conn-like parameters (and, for a closure, its free variables): the
// facts through which callers, here and in other packages, see into
// helpers. A summary spells each path as a string of Kind letters; that
// encoding stays in this file (kindPaths reads it back).

// A Summary is a function's effect on its conn-like parameters: for each,
// the event kinds (see Kind) along each path from entry to return. It is
// exported as an object fact, so it must gob-encode deterministically:
// slices only, sorted.
type Summary struct {
	Params   []ParamEffect
	FreeVars []ParamEffect `json:"-"` // closures only; never exported
	// Fields are the effects on the conn fields of object parameters, and
	// HandsOn the object parameters handed to code the model cannot see
	// (objects.go). Callers apply them only to objects of their own
	// package's types, so they are never exported.
	Fields  []FieldEffect `json:"-"`
	HandsOn []int         `json:"-"`
	// SharedFields and SharedHandsOn are the same for the conn fields
	// of objects a goroutine of the package may use (FromShared,
	// fields.go): callers apply them only to their own such conns.
	SharedFields  []FieldEffect `json:"-"`
	SharedHandsOn []int         `json:"-"`
}

// FieldEffect is the set of paths for one conn field (Path, as in a
// fieldKey) of an object parameter.
type FieldEffect struct {
	Param int
	Path  string
	Paths []string
	// Callback marks a callback field (callbacks.go): its paths hand on
	// the conn of a closure the caller stored there, and it is no stream
	// of its own.
	Callback bool
}

// ParamEffect is the set of paths, as kind strings, for one parameter
// (the receiver of a method is parameter 0). "o" means the function hands
// the value on; "" is a path that does nothing to it. A path that returns
// a nil error starts with '-', one that returns a non-nil error with '+'.
type ParamEffect struct {
	Index int
	Paths []string
}

// maxSummary is how many distinct paths a parameter's summary keeps;
// beyond it the parameter is summarized as handed on.
const maxSummary = 16

// bounded returns the sorted, distinct paths, kept within maxSummary: if
// there are more, without their outcome markers (a path whose outcome is
// unknown takes both edges of the caller's error test, which is what the
// function can do as far as the caller knows), and if still more, one
// path that hands the value on.
func bounded(paths []string) []string {
	if len(paths) <= maxSummary {
		return paths
	}
	var out []string
	for _, p := range paths {
		out = append(out, strings.TrimLeft(p, "-+"))
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxSummary {
		return []string{string(Escape)}
	}
	return out
}

// AFact marks Summary as a fact.
func (*Summary) AFact() {}

// String shows the summary as -debug=f prints it: effects(0:hec 1:|w).
func (s *Summary) String() string {
	var parts []string
	for _, p := range s.Params {
		parts = append(parts, fmt.Sprintf("%d:%s", p.Index, strings.Join(p.Paths, "|")))
	}
	return "effects(" + strings.Join(parts, " ") + ")"
}

// streams returns how many of the function's conn-like parameters, free
// variables and object fields some path acts on. With more than one, an
// error the function returns after acting on one may be another's.
func (s *Summary) streams() int {
	acts := func(paths []string) bool {
		for _, p := range paths {
			if strings.TrimLeft(p, "-+") != "" {
				return true
			}
		}
		return false
	}
	n := 0
	for _, p := range s.Params {
		if acts(p.Paths) {
			n++
		}
	}
	for _, p := range s.FreeVars {
		if acts(p.Paths) {
			n++
		}
	}
	for _, f := range s.Fields {
		if !f.Callback && acts(f.Paths) {
			n++
		}
	}
	return n
}

// param returns the effect on parameter i, if summarized.
func (s *Summary) param(i int) (ParamEffect, bool) {
	for _, p := range s.Params {
		if p.Index == i {
			return p, true
		}
	}
	return ParamEffect{}, false
}

// decodePaths reads a summary's paths back as kinds, with what each
// returns as the function's error (its first character '-' or '+').
func decodePaths(paths []string) ([][]Kind, []outcome) {
	out := make([][]Kind, len(paths))
	outs := make([]outcome, len(paths))
	for i, p := range paths {
		switch {
		case len(p) > 0 && p[0] == '-':
			p, outs[i] = p[1:], nilErr
		case len(p) > 0 && p[0] == '+':
			p, outs[i] = p[1:], nonNilErr
		}
		// A wrapper constructor's Wrapped says the caller goes on with
		// the conn as the call's result: nothing happens to it there.
		out[i] = []Kind(strings.ReplaceAll(p, string(Wrapped), ""))
	}
	return out, outs
}

// spell writes an exit as a summary path: its outcome's marker, then its
// history's kinds.
func spell(x exit) string { return x.out.marker() + x.hist.String() }

// errKindOf derives, from a helper's paths, what a non-nil error from it
// means: a helper that only reads met EOF or an error (ReadEOF); any other
// helper failed (Failed); a helper that does nothing means nothing (0).
func errKindOf(paths [][]Kind) Kind {
	readOnly, any := true, false
	for _, p := range paths {
		for _, k := range p {
			any = true
			if k != Read && k != ReadEOF {
				readOnly = false
			}
		}
	}
	switch {
	case !any:
		return 0
	case readOnly:
		return ReadEOF
	}
	return Failed
}

// summary returns fn's effect on its conn-like parameters (and free
// variables, for a closure): from the package's own model when fn is
// here, from a fact otherwise. nil means unknown.
func (ps *pkgState) summary(fn *ssa.Function) *Summary {
	if o := fn.Origin(); o != nil {
		// A generic function: its parameters are of type-parameter type,
		// which is never a conn, so it says nothing about conns.
		fn = o
	}
	if s, ok := ps.summaries[fn]; ok {
		return s
	}
	var s *Summary
	if fn.Pkg != nil && fn.Pkg.Pkg == ps.pass.Pkg || ps.ownWrapper(fn) {
		if m := ps.model(fn); m != nil {
			s = m.summarize()
		}
	} else if obj, ok := fn.Object().(*types.Func); ok {
		var fact Summary
		if ps.pass.ImportObjectFact(obj, &fact) {
			s = &fact
		}
	}
	if !ps.building[fn] {
		ps.summaries[fn] = s
	}
	return s
}

// ownWrapper reports whether fn is a wrapper go/ssa made for a method
// promoted to a struct type of this package (a struct embedding net.Conn,
// say): its body is the field access and the call, modelled like any
// function of the package.
func (ps *pkgState) ownWrapper(fn *ssa.Function) bool {
	recv := fn.Signature.Recv()
	return fn.Synthetic != "" && fn.Blocks != nil && recv != nil && ownStruct(recv.Type(), ps.pass.Pkg) != nil
}

// A slot is a parameter ({0, index}) or a free variable ({1, index}).
type slot [2]int

// summarize turns the histories at the function's returns into a Summary.
func (f *Func) summarize() *Summary {
	paths := map[slot]map[string]bool{}
	for _, c := range f.Conns {
		var key slot
		switch c.Origin {
		case FromParam:
			key = slot{0, c.Index}
		case FromFreeVar:
			key = slot{1, c.Index}
		default:
			continue
		}
		if paths[key] == nil {
			paths[key] = map[string]bool{}
		}
		for _, p := range c.summaryPaths() {
			paths[key][p] = true
		}
	}
	f.untouchedParams(paths)
	s := &Summary{}
	for key, set := range paths {
		pe := ParamEffect{Index: key[1], Paths: bounded(slices.Sorted(maps.Keys(set)))}
		if key[0] == 0 {
			s.Params = append(s.Params, pe)
		} else {
			s.FreeVars = append(s.FreeVars, pe)
		}
	}
	byIndex := func(a, b ParamEffect) int { return a.Index - b.Index }
	slices.SortFunc(s.Params, byIndex)
	slices.SortFunc(s.FreeVars, byIndex)
	s.Fields = f.fieldEffects(false)
	s.HandsOn = slices.Sorted(maps.Keys(f.handsOn))
	s.SharedFields = f.fieldEffects(true)
	s.SharedHandsOn = slices.Sorted(maps.Keys(f.sharedHandsOn))
	return s
}

// fieldEffects summarizes the conns of the object parameters' fields,
// those of origin FromShared or the others: one FieldEffect per field,
// sorted by parameter and path. A conn that is two fields at once is
// handed on.
func (f *Func) fieldEffects(shared bool) []FieldEffect {
	var out []FieldEffect
	for _, c := range f.Conns {
		if (c.Origin == FromShared) != shared {
			continue
		}
		for _, k := range c.keys {
			p, ok := k.base.(*ssa.Parameter)
			if !ok {
				continue
			}
			paths := c.summaryPaths()
			if len(c.keys) > 1 {
				paths = []string{string(Escape)}
			}
			slices.Sort(paths)
			paths = bounded(slices.Compact(paths))
			out = append(out, FieldEffect{Param: paramIndex(p), Path: k.path, Paths: paths, Callback: f.callbacks[k]})
		}
	}
	slices.SortFunc(out, func(a, b FieldEffect) int {
		if a.Param != b.Param {
			return a.Param - b.Param
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

// summaryPaths returns the conn's paths as a summary spells them; a path
// that handed it on is "o". It is handed on on every path when it was
// given up on, or is two parameters merged into one conn by a phi (what
// happens to it happens to either, so to neither for sure). A conn with
// no path to a return (every path panics) has one empty path.
func (c *Conn) summaryPaths() []string {
	if c.Overflow || c.Origin == FromParam && c.params() > 1 {
		return []string{string(Escape)}
	}
	if len(c.exits) == 0 {
		return []string{""}
	}
	var out []string
	for _, x := range c.exits {
		out = append(out, spell(x))
	}
	return out
}

// untouchedParams adds the conn-like parameters that are not a conn of
// their own: untouched (""), or merged by a phi with a value the function
// did not receive, such as a field load or another parameter. What
// happens to the merged value may not happen to the parameter, and the
// other way round: it is handed on ("o"), as far as the caller can know.
func (f *Func) untouchedParams(paths map[slot]map[string]bool) {
	for i, p := range f.SSA.Params {
		if !IsConnLike(p.Type()) {
			continue
		}
		if _, ok := paths[slot{0, i}]; ok {
			continue
		}
		path := ""
		if f.connOfValue(p) != nil && !f.aliased(i) { // an aliased parameter's paths are its group's (aliases.go)
			path = string(Escape)
		}
		paths[slot{0, i}] = map[string]bool{path: true}
	}
}

// informative drops the parameters that the function only hands on
// ("o" on every path, whatever it returns): a caller that finds no
// summary for an argument takes it as handed on too, so their facts would
// say nothing. They were half of the facts on std.
func informative(params []ParamEffect) []ParamEffect {
	var out []ParamEffect
	for _, p := range params {
		paths, _ := decodePaths(p.Paths)
		for _, k := range paths {
			if len(k) != 1 || k[0] != Escape {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
