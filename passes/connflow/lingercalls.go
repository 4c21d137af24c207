package connflow

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/directive"
)

// This file follows SO_LINGER values through calls. A helper whose
// parameter, or a field of a parameter (its receiver's, say), reaches the
// seconds of a SetLinger or SO_LINGER it makes (directly, in a closure it
// makes, or through another such helper) is summarized by a LingerParams
// fact. A call that supplies a proven value there (a constant, a named
// constant, or a field set to a constant in a composite literal or by a
// constructor of the package) is a LingerOp of its own, placed at the
// call, with Via naming the helper: the rules judge it there. What the
// helper writes for itself (a //teardown:abort directive on its
// SetLinger, the comment above it, its doc comment) goes with it.

// LingerParams is the fact of a function whose parameters (or fields of
// them) reach the seconds of a SetLinger or SO_LINGER it makes.
type LingerParams struct {
	Params []LingerParam
}

// A LingerParam is one parameter (the receiver of a method is 0), or a
// field of it, that reaches a linger setting; Raw for SO_LINGER's Linger
// field (with Onoff on), SetLinger's argument otherwise. Abort and Why
// are the helper's own justification (LingerOp).
type LingerParam struct {
	Index int
	Field string
	Raw   bool
	Abort bool
	Why   []string
}

// AFact marks LingerParams as a fact.
func (*LingerParams) AFact() {}

// String shows the fact as -debug=f prints it: lingerparams(1 0.linger).
func (l *LingerParams) String() string {
	var parts []string
	for _, p := range l.Params {
		s := fmt.Sprint(p.Index)
		if p.Field != "" {
			s += "." + p.Field
		}
		parts = append(parts, s)
	}
	return "lingerparams(" + strings.Join(parts, " ") + ")"
}

// A lingerSource is a parameter (or a field of one) of a named function.
type lingerSource struct {
	fn    *ssa.Function
	index int
	field string
}

// lingerCalls finds the package's functions whose parameters reach a
// linger setting, then the calls that supply a proven value to them, and
// adds those calls to the result's Lingers.
func (ps *pkgState) lingerCalls(funcs []*ssa.Function) {
	ps.lingerParams = map[*ssa.Function][]LingerParam{}
	for _, op := range ps.result.Lingers {
		if op.Value.Known {
			continue
		}
		src, ok := ps.opSource(op)
		if !ok {
			continue
		}
		op.FromParam = true
		ps.addLingerParam(src, LingerParam{Raw: op.Raw, Abort: ps.abortAt(op.Pos),
			Why: nonEmpty(ps.commentAbove(op.Pos), docOf(src.fn))})
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			for call, lp := range ps.helperCalls(fn) {
				if _, known := ps.supplied(call, lp); known {
					continue
				}
				if src, ok := lingerSourceOf(call.Common().Args[lp.Index], lp.Field); ok {
					pos := call.Common().Pos()
					why := append(slices.Clone(lp.Why), nonEmpty(ps.commentAbove(pos), docOf(src.fn))...)
					changed = ps.addLingerParam(src, LingerParam{Raw: lp.Raw, Abort: lp.Abort || ps.abortAt(pos), Why: why}) || changed
				}
			}
		}
	}
	for _, fn := range funcs {
		for call, lp := range ps.helperCalls(fn) {
			if v, known := ps.supplied(call, lp); known {
				ps.result.Lingers = append(ps.result.Lingers, &LingerOp{Call: call.Common(), Instr: call, Fn: fn,
					Value: v, Raw: lp.Raw, Pos: callPos(call), Via: call.Common().StaticCallee().Name(), Abort: lp.Abort, Why: lp.Why})
			}
		}
	}
}

// addLingerParam records that src reaches a linger setting (once per
// parameter and field); it reports whether that is new.
func (ps *pkgState) addLingerParam(src lingerSource, lp LingerParam) bool {
	lp.Index, lp.Field = src.index, src.field
	for _, old := range ps.lingerParams[src.fn] {
		if old.Index == lp.Index && old.Field == lp.Field {
			return false
		}
	}
	ps.lingerParams[src.fn] = append(ps.lingerParams[src.fn], lp)
	return true
}

// helperCalls yields fn's static calls of functions with linger
// parameters, with each such parameter.
func (ps *pkgState) helperCalls(fn *ssa.Function) func(yield func(ssa.CallInstruction, LingerParam) bool) {
	return func(yield func(ssa.CallInstruction, LingerParam) bool) {
		for _, blk := range fn.Blocks {
			for _, instr := range blk.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok || ci.Common().IsInvoke() || ci.Common().StaticCallee() == nil {
					continue
				}
				for _, lp := range ps.lingerParamsOf(ci.Common().StaticCallee()) {
					if lp.Index < len(ci.Common().Args) && !yield(ci, lp) {
						return
					}
				}
			}
		}
	}
}

// lingerParamsOf returns the linger parameters of fn: the package's own,
// or from a fact.
func (ps *pkgState) lingerParamsOf(fn *ssa.Function) []LingerParam {
	if fn.Pkg != nil && fn.Pkg.Pkg == ps.pass.Pkg {
		return ps.lingerParams[fn]
	}
	if obj, ok := fn.Object().(*types.Func); ok {
		var fact LingerParams
		if ps.pass.ImportObjectFact(obj, &fact) {
			return fact.Params
		}
	}
	return nil
}

// supplied returns the value a call supplies to the linger parameter
// lp, if proven.
func (ps *pkgState) supplied(call ssa.CallInstruction, lp LingerParam) (LingerValue, bool) {
	arg := call.Common().Args[lp.Index]
	var n int64
	var ok bool
	if lp.Field == "" {
		n, ok = constInt(arg, 0)
	} else {
		n, ok = ps.fieldConst(arg, lp.Field, 0)
	}
	if !ok {
		return LingerValue{}, false
	}
	return LingerValue{Known: true, On: lp.Raw || n >= 0, Secs: n}, true
}

// opSource returns where the value of a linger setting comes from, if it
// is a parameter (or a field of one) of a named function.
func (ps *pkgState) opSource(op *LingerOp) (lingerSource, bool) {
	if !op.Raw {
		if n := len(op.Call.Args); n > 0 {
			return lingerSourceOf(op.Call.Args[n-1], "")
		}
		return lingerSource{}, false
	}
	if len(op.Call.Args) != 4 {
		return lingerSource{}, false
	}
	secs, ok := rawLingerSeconds(op.Call.Args[3])
	if !ok {
		return lingerSource{}, false
	}
	return lingerSourceOf(secs, "")
}

// rawLingerSeconds returns the value stored as the Linger field of the
// local Linger struct v, when its Onoff field is a constant other than 0.
func rawLingerSeconds(v ssa.Value) (ssa.Value, bool) {
	alloc, ok := v.(*ssa.Alloc)
	if !ok {
		return nil, false
	}
	var secs ssa.Value
	on := false
	for _, r := range *alloc.Referrers() {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok {
			continue
		}
		for _, s := range storesTo(fa) {
			switch fieldName(fa) {
			case "Onoff":
				n, ok := constInt(s, 0)
				on = ok && n != 0
			case "Linger":
				secs = s
			}
		}
	}
	return secs, on && secs != nil
}

// lingerSourceOf returns the parameter (of a named function) that v
// is, or whose field named field it is (field "": the parameter itself),
// through conversions, loads of local variables stored once, and the
// variables a closure captures from its enclosing function.
func lingerSourceOf(v ssa.Value, field string) (lingerSource, bool) {
	for range 16 {
		switch x := v.(type) {
		case *ssa.Convert:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		case *ssa.Parameter:
			fn := x.Parent()
			return lingerSource{fn, paramIndex(x), field}, fn.Parent() == nil && fn.Object() != nil
		case *ssa.Field:
			if field != "" {
				return lingerSource{}, false
			}
			field, v = structField(x.X.Type(), x.Field), x.X
		case *ssa.UnOp:
			next, f, ok := loadedFrom(x, field)
			if !ok {
				return lingerSource{}, false
			}
			v, field = next, f
		default:
			return lingerSource{}, false
		}
	}
	return lingerSource{}, false
}

// loadedFrom follows a load: of a field of a pointer (only when no field
// is being followed yet), of a local variable stored once, or of a
// captured variable (to its binding in the enclosing function).
func loadedFrom(x *ssa.UnOp, field string) (ssa.Value, string, bool) {
	if x.Op != token.MUL {
		return nil, "", false
	}
	switch a := x.X.(type) {
	case *ssa.FieldAddr:
		if field != "" {
			return nil, "", false
		}
		return a.X, fieldName(a), true
	case *ssa.Alloc:
		if s := storedOnce(a); s != nil {
			return s, field, true
		}
	case *ssa.FreeVar:
		if b := bindingOf(a); b != nil {
			if alloc, ok := b.(*ssa.Alloc); ok && storedOnce(alloc) != nil {
				return storedOnce(alloc), field, true
			}
		}
	}
	return nil, "", false
}

// bindingOf returns the value the enclosing function binds to the
// captured variable fv, or nil.
func bindingOf(fv *ssa.FreeVar) ssa.Value {
	fn := fv.Parent()
	i := slices.Index(fn.FreeVars, fv)
	if fn.Parent() == nil || i < 0 {
		return nil
	}
	for _, blk := range fn.Parent().Blocks {
		for _, instr := range blk.Instrs {
			if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && i < len(mc.Bindings) {
				return mc.Bindings[i]
			}
		}
	}
	return nil
}

// callPos returns where a call is reported: its '(' or, failing that,
// the instruction.
func callPos(ci ssa.CallInstruction) token.Pos {
	if p := ci.Common().Pos(); p.IsValid() {
		return p
	}
	return ci.Pos()
}

// docOf returns fn's doc comment, "" if none.
func docOf(fn *ssa.Function) string {
	if fd, ok := fn.Syntax().(*ast.FuncDecl); ok && fd.Doc != nil {
		return fd.Doc.Text()
	}
	return ""
}

// nonEmpty returns the non-empty strings among ss.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// commentAbove returns the comment on the lines directly above pos
// (directive.CommentAbove).
func (ps *pkgState) commentAbove(pos token.Pos) string {
	for _, f := range ps.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return directive.CommentAbove(ps.pass.Fset, f, ps.pass.ReadFile, pos)
		}
	}
	return ""
}

// abortAt reports whether a well-formed //teardown:abort directive covers
// pos.
func (ps *pkgState) abortAt(pos token.Pos) bool {
	if ps.directives == nil {
		ps.directives = directive.Parse(ps.pass.Fset, ps.pass.Files, directive.Rules())
	}
	posn := ps.pass.Fset.Position(pos)
	for _, d := range ps.directives {
		if d.Verb == "abort" && d.Malformed == "" && d.Covers(posn) {
			return true
		}
	}
	return false
}

// exportLingerParams exports the LingerParams fact of fn, a package-level
// function, if it has linger parameters.
func (ps *pkgState) exportLingerParams(fn *ssa.Function, obj *types.Func) {
	if lps := ps.lingerParams[fn]; len(lps) > 0 {
		ps.pass.ExportObjectFact(obj, &LingerParams{Params: lps})
	}
}
