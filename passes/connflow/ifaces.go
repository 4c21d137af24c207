package connflow

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file follows calls through the package's own interfaces: an
// Authenticator, a Handler, whose implementations are all in the
// package. The set of implementations is closed when no other package
// can add to it: the interface is declared in the analyzed package and
// is unexported, or has an unexported method. Its implementations are
// then the package's named types (T or *T) that implement it, and a call
// of one of its methods does what one of theirs does: the union of their
// summaries' paths. If one of them has no conn-like parameter or
// receiver in its signature (so whether it is built depends on its body),
// or has no summary (it is on a recursion cycle), the call stays unknown
// and its conns escape.

// implementations returns the methods named name of the package's types
// that implement the closed interface t, or nil.
func (ps *pkgState) implementations(prog *ssa.Program, t types.Type, name string) []*ssa.Function {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() != ps.pass.Pkg {
		return nil
	}
	iface, ok := named.Underlying().(*types.Interface)
	if !ok || !closedInterface(named, iface) {
		return nil
	}
	var out []*ssa.Function
	scope := ps.pass.Pkg.Scope()
	for _, n := range scope.Names() {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		if _, isIface := tn.Type().Underlying().(*types.Interface); isIface {
			continue
		}
		for _, impl := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			if !types.Implements(impl, iface) {
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(impl, true, ps.pass.Pkg, name)
			fn, ok := obj.(*types.Func)
			if !ok {
				return nil
			}
			// Only a method whose signature has a conn-like parameter
			// (or receiver) is built whatever its body says (select.go):
			// what a call is known to do must not depend on which
			// functions happened to be built.
			sfn := funcValue(prog, fn)
			if sfn == nil || !sigHasConnLike(fn.Type().(*types.Signature)) {
				return nil
			}
			if !slices.Contains(out, sfn) {
				out = append(out, sfn)
			}
			break // T's methods are *T's too
		}
	}
	return out
}

// closedInterface reports whether only the package that declares named
// can implement it or convert values to it: it is unexported, or one of
// its methods is.
func closedInterface(named *types.Named, iface *types.Interface) bool {
	if !named.Obj().Exported() {
		return true
	}
	for m := range iface.Methods() {
		if !m.Exported() {
			return true
		}
	}
	return false
}

// implementedCall returns what an interface method call does when the
// interface's implementations are all in the package: for each conn
// operand, the union of what each implementation does to it (the
// receiver is operand and parameter 0).
func (b *funcBuilder) implementedCall(s callSite, mode callMode, call *ssa.CallCommon) (decision, bool) {
	impls := b.ps.implementations(b.fn.Prog, call.Value.Type(), call.Method.Name())
	if len(impls) == 0 {
		return decision{}, false
	}
	var sums []*Summary
	for _, fn := range impls {
		sum := b.ps.summary(fn)
		if sum == nil {
			return decision{}, false
		}
		sums = append(sums, sum)
	}
	d := decision{known: true}
	for i, o := range s.ops {
		if !b.tracked(o) {
			continue
		}
		u := use{value: o, operand: i, mode: mode, via: call.Method.Name(), calleeOwns: true}
		for _, sum := range sums {
			pe, ok := sum.param(i)
			if !ok {
				u.paths = append(u.paths, []Kind{Escape})
				u.outcomes = append(u.outcomes, anyErr)
				continue
			}
			paths, outs := decodePaths(pe.Paths)
			u.paths = append(u.paths, paths...)
			u.outcomes = append(u.outcomes, outs...)
			u.shared = u.shared || sum.streams() > 1
		}
		u.onErr = errKindOf(u.paths)
		d.uses = append(d.uses, u)
	}
	return d, true
}
