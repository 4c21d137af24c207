package connflow

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file decides which io-typed parameters hold a stream conn: a
// parameter of an io interface type (io.WriteCloser, io.ReadWriter, ...)
// of an unexported function whose every call in the package passes a
// stream conn (a copy helper that closes its destination, started by code
// that passes TCP conns). Such a parameter is judged like a conn of the
// type the callers pass. An unexported function used as a value (a
// callback) may be called by code the model cannot see: no refinement.

// refineParams computes, from the call sites in funcs, the io parameters
// that every call passes a stream conn to. called returns the functions
// whose every use is such a call (calledOnly), asked only if some
// parameter qualifies.
func (ps *pkgState) refineParams(funcs []*ssa.Function, called func() map[types.Object]bool) {
	ps.refined = map[*ssa.Function]map[int]types.Type{}
	failed := map[*ssa.Function]map[int]bool{}
	for _, fn := range funcs {
		for _, blk := range fn.Blocks {
			for _, instr := range blk.Instrs {
				if ci, ok := instr.(ssa.CallInstruction); ok && !ci.Common().IsInvoke() {
					ps.refineCall(ci.Common(), failed)
				}
			}
		}
	}
	for fn, params := range failed {
		for i := range params {
			delete(ps.refined[fn], i)
		}
	}
	for fn := range ps.refined {
		if obj := fn.Object(); obj == nil || !called()[obj] {
			delete(ps.refined, fn)
		}
	}
}

// refineCall records what one call passes to its callee's io parameters.
func (ps *pkgState) refineCall(call *ssa.CallCommon, failed map[*ssa.Function]map[int]bool) {
	fn := call.StaticCallee()
	if fn == nil || fn.Pkg == nil || fn.Pkg.Pkg != ps.pass.Pkg || fn.Parent() != nil || isGeneric(fn) {
		return
	}
	if obj, ok := fn.Object().(*types.Func); !ok || obj.Exported() {
		return
	}
	for i, a := range call.Args {
		if !isIORole(a.Type()) {
			continue
		}
		t := streamTypeOf(a)
		if t == nil {
			if failed[fn] == nil {
				failed[fn] = map[int]bool{}
			}
			failed[fn][i] = true
			continue
		}
		if ps.refined[fn] == nil {
			ps.refined[fn] = map[int]types.Type{}
		}
		ps.refined[fn][i] = t
	}
}

// streamTypeOf returns the conn type of the value a converts to an io
// interface, or nil.
func streamTypeOf(a ssa.Value) types.Type {
	if a = Unconvert(a); IsConn(a.Type()) {
		return a.Type()
	}
	return nil
}

// isIORole reports whether t is one of the io interfaces of ioRoles.
func isIORole(t types.Type) bool {
	for _, r := range ioRoles {
		if namedIs(t, "io", r) {
			return true
		}
	}
	return false
}

// refinedType returns the conn type every call passes to parameter i of
// fn, or nil.
func (ps *pkgState) refinedType(fn *ssa.Function, i int) types.Type {
	return ps.refined[fn][i]
}
