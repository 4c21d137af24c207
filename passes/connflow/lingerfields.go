package connflow

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file proves the constant a struct's field holds where a call
// hands the struct to a linger helper (lingercalls.go): a composite
// literal or a local struct whose field is stored once with a constant,
// or the result of a constructor of the package whose every return sets
// it to one constant.

// fieldConst proves the field named field of the struct v is (or points
// to) a constant: a composite literal (or a local struct) whose field is
// stored once with a constant, or the result of a constructor of the
// package whose every returned value is one.
func (ps *pkgState) fieldConst(v ssa.Value, field string, depth int) (int64, bool) {
	if depth > 4 {
		return 0, false
	}
	switch x := v.(type) {
	case *ssa.Alloc:
		return allocField(x, field)
	case *ssa.UnOp:
		if a, ok := x.X.(*ssa.Alloc); ok && x.Op == token.MUL {
			if s := storedOnce(a); s != nil && isPointer(a.Type().(*types.Pointer).Elem()) {
				return ps.fieldConst(s, field, depth+1)
			}
			return allocField(a, field)
		}
	case *ssa.ChangeType:
		return ps.fieldConst(x.X, field, depth+1)
	case *ssa.Call:
		return ps.constructorField(x, field)
	}
	return 0, false
}

// constructorField proves that every value the static callee of call, a
// function of the package, returns is a composite literal (or its
// address) that sets the field to one constant. It reads the callee's
// syntax: a constructor has no SSA unless it mentions a conn.
func (ps *pkgState) constructorField(call *ssa.Call, field string) (int64, bool) {
	fn := call.Call.StaticCallee()
	if fn == nil || call.Call.IsInvoke() || fn.Pkg == nil || fn.Pkg.Pkg != ps.pass.Pkg || fn.Object() == nil {
		return 0, false
	}
	decl := ps.declOf(fn.Object().Pos())
	if decl == nil || decl.Body == nil {
		return 0, false
	}
	var n int64
	found, ok := false, true
	ast.Inspect(decl.Body, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			m, proven := ps.literalField(node, field)
			if !proven || found && m != n {
				ok = false
			}
			n, found = m, true
		}
		return ok
	})
	return n, ok && found
}

// literalField proves the first result of ret is a composite literal (or
// its address) that sets the field to a constant.
func (ps *pkgState) literalField(ret *ast.ReturnStmt, field string) (int64, bool) {
	if len(ret.Results) == 0 {
		return 0, false
	}
	e := ast.Unparen(ret.Results[0])
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return 0, false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if id, isID := kv.Key.(*ast.Ident); ok && isID && id.Name == field {
			if tv := ps.pass.TypesInfo.Types[kv.Value]; tv.Value != nil {
				if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact {
					return n, true
				}
			}
		}
	}
	return 0, false
}

// declOf returns the function declaration of the package at pos (its
// name), or nil.
func (ps *pkgState) declOf(pos token.Pos) *ast.FuncDecl {
	for _, f := range ps.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Pos() == pos {
					return fd
				}
			}
		}
	}
	return nil
}

// allocField proves the field named field of the struct a is stored once,
// with a constant.
func allocField(a *ssa.Alloc, field string) (int64, bool) {
	var vals []ssa.Value
	for _, r := range *a.Referrers() {
		if fa, ok := r.(*ssa.FieldAddr); ok && fieldName(fa) == field {
			vals = append(vals, storesTo(fa)...)
		}
	}
	if len(vals) != 1 {
		return 0, false
	}
	return constInt(vals[0], 0)
}

// storesTo returns the values stored through the field address fa.
func storesTo(fa *ssa.FieldAddr) []ssa.Value {
	var out []ssa.Value
	for _, r := range *fa.Referrers() {
		if s, ok := r.(*ssa.Store); ok && s.Addr == fa {
			out = append(out, s.Val)
		}
	}
	return out
}

// fieldName returns the name of the field fa addresses.
func fieldName(fa *ssa.FieldAddr) string {
	return structField(fa.X.Type().Underlying().(*types.Pointer).Elem(), fa.Field)
}

// structField returns the name of field i of the struct t (or *t).
func structField(t types.Type, i int) string {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if st, ok := t.Underlying().(*types.Struct); ok && i < st.NumFields() {
		return st.Field(i).Name()
	}
	return ""
}

// isPointer reports whether t is a pointer type.
func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}
