package connflow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file follows calls through function values kept in a struct
// field: a server whose handler field is set to one of its methods
// (`s.handler = s.serveConn`, or `Server{handler: serveConn}`) and called
// as `s.handler(conn)`. When the field is unexported (no other package
// can set it) and every assignment to it in the package, in statements
// and composite literals, is the same named function or method value,
// the call is a call of that function; a method value's receiver is
// bound, so the call's operands are the method's parameters after the
// receiver. Any other assignment (a closure, a parameter, another
// function) leaves the field's calls unknown: their conns escape.

// fieldTarget is what a func-valued field holds: one function, and
// whether it is a method value (its receiver bound).
type fieldTarget struct {
	fn    *types.Func
	bound bool
}

// fieldFuncs maps each unexported func-valued field of the package's
// struct types to the one function every assignment stores there, or to
// nothing when the assignments disagree or are not named functions.
func (ps *pkgState) fieldFuncs() map[*types.Var]*fieldTarget {
	if ps.fieldFns != nil {
		return ps.fieldFns
	}
	out := map[*types.Var]*fieldTarget{}
	bad := map[*types.Var]bool{}
	assign := func(field *types.Var, rhs ast.Expr) {
		if field == nil || field.Exported() || field.Pkg() != ps.pass.Pkg {
			return
		}
		if _, ok := field.Type().Underlying().(*types.Signature); !ok {
			return
		}
		t := ps.funcValue(rhs)
		switch old := out[field]; {
		case t == nil:
			bad[field] = true
		case old != nil && *old != *t:
			bad[field] = true
		default:
			out[field] = t
		}
	}
	ps.fieldAssignments(assign)
	for v := range bad {
		delete(out, v)
	}
	ps.fieldFns = out
	return out
}

// fieldAssignments calls assign for every assignment to a field in the
// package's files: in a statement (`s.f = x`; rhs nil when the statement
// is not a plain one-to-one assignment), in a composite literal
// (`T{f: x}`), and where the field's address is taken (`&s.f`, rhs nil:
// it may be set elsewhere).
func (ps *pkgState) fieldAssignments(assign func(field *types.Var, rhs ast.Expr)) {
	for _, f := range ps.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				plain := n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs)
				for i, l := range n.Lhs {
					var rhs ast.Expr
					if plain {
						rhs = n.Rhs[i]
					}
					assign(ps.fieldOf(l), rhs)
				}
			case *ast.CompositeLit:
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							v, _ := ps.pass.TypesInfo.Uses[id].(*types.Var)
							if v != nil && v.IsField() {
								assign(v, kv.Value)
							}
						}
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					assign(ps.fieldOf(n.X), nil)
				}
			}
			return true
		})
	}
}

// fieldOf returns the field that the expression e selects, or nil.
func (ps *pkgState) fieldOf(e ast.Expr) *types.Var {
	se, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	sel, ok := ps.pass.TypesInfo.Selections[se]
	if !ok || sel.Kind() != types.FieldVal {
		return nil
	}
	v, _ := sel.Obj().(*types.Var)
	return v
}

// funcValue returns the named function or method value that e denotes,
// or nil.
func (ps *pkgState) funcValue(e ast.Expr) *fieldTarget {
	if e == nil {
		return nil
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if fn, ok := ps.pass.TypesInfo.Uses[e].(*types.Func); ok {
			return &fieldTarget{fn: fn}
		}
	case *ast.SelectorExpr:
		if sel, ok := ps.pass.TypesInfo.Selections[e]; ok {
			if fn, ok := sel.Obj().(*types.Func); ok && sel.Kind() == types.MethodVal {
				return &fieldTarget{fn: fn, bound: true}
			}
			return nil
		}
		if fn, ok := ps.pass.TypesInfo.Uses[e.Sel].(*types.Func); ok {
			return &fieldTarget{fn: fn} // a function of another package
		}
	}
	return nil
}

// fieldCallee returns the function that a call through the func-valued
// field loaded as v calls, and how many of its leading parameters are
// bound (1 for a method value's receiver); nil if unknown.
func (b *funcBuilder) fieldCallee(v ssa.Value) (*ssa.Function, int) {
	ld, ok := v.(*ssa.UnOp)
	if !ok || ld.Op != token.MUL {
		return nil, 0
	}
	fa, ok := ld.X.(*ssa.FieldAddr)
	if !ok {
		return nil, 0
	}
	st, ok := deref(fa.X.Type()).Underlying().(*types.Struct)
	if !ok {
		return nil, 0
	}
	t := b.ps.fieldFuncs()[st.Field(fa.Field)]
	if t == nil {
		return nil, 0
	}
	fn := funcValue(b.fn.Prog, t.fn)
	if fn == nil {
		return nil, 0
	}
	if t.bound {
		return fn, 1
	}
	return fn, 0
}

// deref returns what t points to, or t.
func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
