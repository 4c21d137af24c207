package connflow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file decides which closures over a conn the package hands to its
// objects as callbacks: a closure maker, `func ControlFrameHandler(w
// io.Writer, ...) FrameHandlerFunc { return func(...) error { ... w ... } }`,
// returns a closure that writes its conn parameter; a helper makes one
// over its conn and stores it into a callback field of a reader it
// allocated over the same conn (`rd.OnIntermediate = ControlFrameHandler(rw,
// s)`), whose methods call it. The closure is the conn, as a wrapper over
// it would be (identity.go):
//
//   - the maker's call hands nothing on: its result is that conn;
//   - a call of the closure, or of a callback loaded from an object's
//     callback field, hands the conn on there: the model does not follow
//     what the closure does;
//   - stored into the callback field of an object the function allocated,
//     which holds the same conn in a conn field, the closure is that
//     field's conn (localobjects.go): the object's methods hand it on on
//     the paths where they call the callback (a method's load of a
//     callback field is the field's conn, fields.go), and it leaves with
//     the object;
//   - any other use (stored elsewhere, returned, passed on) hands it on,
//     as for any conn.
//
// Only the package's own makers and callback fields: a maker of another
// package exports no fact, so its closure outlives the call there, and
// the object's fields' effects are never exported (summary.go).

// closureMaker reports which parameter of fn, a function of the package,
// the closure it returns captures: every return gives back a closure of
// one function whose only conn-like binding is that parameter, which the
// maker uses for nothing else.
func (ps *pkgState) closureMaker(fn *ssa.Function) (int, bool) {
	if fn == nil || fn.Blocks == nil || fn.Pkg == nil || fn.Pkg.Pkg != ps.pass.Pkg || fn.Signature.Results().Len() != 1 {
		return 0, false
	}
	if m, ok := ps.makers[fn]; ok {
		return m, m >= 0
	}
	m := makerParam(fn)
	ps.makers[fn] = m
	return m, m >= 0
}

// makerParam returns the parameter that every closure fn returns captures
// (closureMaker), or -1.
func makerParam(fn *ssa.Function) int {
	param, inner := -1, ssa.Value(nil)
	for _, blk := range fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		mc, ok := Unconvert(ret.Results[0]).(*ssa.MakeClosure)
		if !ok || inner != nil && mc.Fn != inner {
			return -1
		}
		inner = mc.Fn
		p := capturedParam(mc)
		if p < 0 || param >= 0 && p != param {
			return -1
		}
		param = p
	}
	if param < 0 {
		return -1
	}
	for _, r := range *fn.Params[param].Referrers() {
		switch r := r.(type) {
		case *ssa.MakeClosure, *ssa.DebugRef:
		case *ssa.Store:
			if _, ok := r.Addr.(*ssa.Alloc); !ok || cellParam(r.Addr) != param {
				return -1
			}
		default:
			return -1 // the maker does more with the conn than capture it
		}
	}
	return param
}

// capturedParam returns the index of the one conn-like parameter that mc
// binds (directly, or the variable go/ssa made for it, which holds
// nothing else), or -1 if it binds none, more, or another conn-like value.
func capturedParam(mc *ssa.MakeClosure) int {
	param := -1
	for _, bind := range mc.Bindings {
		if !IsConnLike(bind.Type()) && !isCellOf(bind.Type()) {
			continue
		}
		p := cellParam(bind)
		if p < 0 || param >= 0 {
			return -1
		}
		param = p
	}
	return param
}

// cellParam returns the index of the parameter v is, or whose only stored
// value it is when v is a variable captured by closures and stored only
// once; -1 otherwise.
func cellParam(v ssa.Value) int {
	if p, ok := v.(*ssa.Parameter); ok {
		return paramIndex(p)
	}
	a, ok := v.(*ssa.Alloc)
	if !ok {
		return -1
	}
	param := -1
	for _, r := range *a.Referrers() {
		switch r := r.(type) {
		case *ssa.MakeClosure, *ssa.DebugRef:
		case *ssa.Store:
			p, ok := r.Val.(*ssa.Parameter)
			if !ok || r.Addr != a || param >= 0 {
				return -1
			}
			param = paramIndex(p)
		default:
			return -1
		}
	}
	return param
}

// makerArg returns the index of the argument whose conn a call of a
// closure maker captures.
func (ps *pkgState) makerArg(call *ssa.CallCommon) (int, bool) {
	if call.IsInvoke() {
		return 0, false
	}
	return ps.closureMaker(call.StaticCallee())
}

// callbackFields are the func-valued fields of the package's struct types
// into which the package stores a closure maker's result, in a statement
// or a composite literal (isCallbackField keeps those of types that hold
// a conn-like field too).
func (ps *pkgState) callbackFields(prog *ssa.Program) map[*types.Var]bool {
	if ps.callbacks != nil {
		return ps.callbacks
	}
	out := map[*types.Var]bool{}
	assign := func(field *types.Var, rhs ast.Expr) {
		if field == nil || rhs == nil || field.Pkg() != ps.pass.Pkg {
			return
		}
		if _, ok := field.Type().Underlying().(*types.Signature); ok && ps.makerCall(prog, rhs) {
			out[field] = true
		}
	}
	ps.fieldAssignments(assign)
	ps.callbacks = out
	return out
}

// makerCall reports whether e calls one of the package's closure makers,
// directly or through a variable it was assigned to.
func (ps *pkgState) makerCall(prog *ssa.Program, e ast.Expr) bool {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		e = ps.definedAs(id)
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	var obj types.Object
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		obj = ps.pass.TypesInfo.Uses[f]
	case *ast.SelectorExpr:
		obj = ps.pass.TypesInfo.Uses[f.Sel]
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() != ps.pass.Pkg {
		return false
	}
	_, ok = ps.closureMaker(funcValue(prog, fn))
	return ok
}

// definedAs returns the expression that defines the local variable id
// (`ch := ControlFrameHandler(rw, s)`), or nil.
func (ps *pkgState) definedAs(id *ast.Ident) ast.Expr {
	v, ok := ps.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return nil
	}
	var def ast.Expr
	for _, f := range ps.pass.Files {
		if f.Pos() > v.Pos() || v.Pos() >= f.End() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
				return def == nil
			}
			for i, l := range as.Lhs {
				if l.Pos() == v.Pos() {
					def = as.Rhs[i]
				}
			}
			return def == nil
		})
	}
	return def
}

// isCallbackField reports whether v is a callback field of an object, or
// its address (callbackFields), of a type that holds a conn-like field:
// the functions that take such an object are built (objmethods.go), so a
// call of the callback is never in a function the model does not see.
func (b *funcBuilder) isCallbackField(v ssa.Value) bool {
	var st types.Type
	var i int
	switch v := v.(type) {
	case *ssa.FieldAddr:
		st, i = deref(v.X.Type()), v.Field
	case *ssa.Field:
		st, i = v.X.Type(), v.Field
	default:
		return false
	}
	s, ok := st.Underlying().(*types.Struct)
	return ok && b.ps.callbackFields(b.fn.Prog)[s.Field(i)] && holdsConnField(st, b.ps.pass.Pkg, 0)
}

// connLikeField reports whether the field v (or its address) may hold a
// conn: one of a conn-like type, or a callback field.
func (b *funcBuilder) connLikeField(v ssa.Value) bool {
	return IsConnLike(v.Type()) || b.isCallbackField(v)
}

// callbackStore reports whether st stores a closure over a conn into a
// callback field of an object that holds the same conn in another field:
// the store hands nothing on (the package comment).
func (b *funcBuilder) callbackStore(st *ssa.Store) bool {
	k, ok := b.ownedKey(st.Addr)
	if !ok || !b.isCallbackField(st.Addr) {
		return false
	}
	c := b.connOf(st.Val)
	for _, k2 := range c.keys {
		if k2.base == k.base && k2.path != k.path {
			return true
		}
	}
	return false
}
