package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// This file decides which fields of the package's own struct types hold
// a wrapper over the object's conn field: a client that keeps `conn
// net.Conn` next to `bw *bufio.Writer` built over it writes its requests
// through bw and closes conn, and the two are one connection. A field f
// wraps the conn field g when f is unexported (no other package can set
// it) and every value the package's code gives it is a wrapper
// constructor of the catalogue (bufio.NewWriter, textproto.NewConn, ...)
// over g's conn of the same object:
//
//   - `x.f = bufio.NewWriter(x.g)`, or `x.f = bufio.NewWriter(c)` where
//     the same function also assigns `x.g = c`;
//   - `T{g: c, f: bufio.NewWriter(c)}`;
//   - `x.f.Reset(x.g)` (or `Reset(c)` as above);
//   - nil.
//
// Anything else (a value made elsewhere, a tuple assignment, `&x.f`, a
// Reset onto another stream, two different conn fields) leaves f a
// field of its own. fields.go then keys the loads of f as loads of g,
// so a method's writes through f and its Close of g are one history, and
// its summary has one effect for g. The scan is of syntax, so that it is
// the same whichever functions have SSA (select.go).

// wrapperFields returns, per wrapper field, the conn field of the same
// struct it wraps.
func (ps *pkgState) wrapperFields() map[*types.Var]*types.Var {
	if ps.wrapFields != nil {
		return ps.wrapFields
	}
	s := &wrapScan{ps: ps, out: map[*types.Var]*types.Var{}, bad: map[*types.Var]bool{}}
	if !ps.declaresWrapperField() {
		ps.wrapFields = s.out
		return s.out // nothing to scan for (most packages)
	}
	for _, f := range ps.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				s.function(fd.Body)
			} else {
				s.inspect(d, nil)
			}
		}
	}
	for v := range s.bad {
		delete(s.out, v)
	}
	ps.wrapFields = s.out
	return s.out
}

// declaresWrapperField reports whether a struct type declared at the
// package level has both a conn field and an unexported field of a
// wrapper type (of the catalogue, or the package's own buffered writer:
// ownbuffers.go): the only place a wrapper field can be.
func (ps *pkgState) declaresWrapperField() bool {
	scope := ps.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		conn, wrapper := false, false
		for f := range st.Fields() {
			conn = conn || isConnField(f)
			wrapper = wrapper || !f.Exported() && ps.ownWrapperType(f.Type())
		}
		if conn && wrapper {
			return true
		}
	}
	return false
}

// A wrapScan is the state of wrapperFields' walk.
type wrapScan struct {
	ps  *pkgState
	out map[*types.Var]*types.Var // wrapper field -> the conn field it wraps, so far
	bad map[*types.Var]bool       // fields that are not (only) wrappers
}

// function scans one function body: first the `x.g = c` assignments of
// its conn fields, then every assignment, literal and Reset.
func (s *wrapScan) function(body *ast.BlockStmt) {
	conns := map[string]*types.Var{} // "x.g=c" -> g
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, l := range as.Lhs {
				if base, g := s.selected(l); g != nil && isConnField(g) {
					conns[base+"="+types.ExprString(as.Rhs[i])] = g
				}
			}
		}
		return true
	})
	s.inspect(body, conns)
}

// inspect scans n for the values given to wrapper-typed fields.
func (s *wrapScan) inspect(n ast.Node, conns map[string]*types.Var) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				base, f := s.selected(l)
				if f == nil {
					continue
				}
				switch {
				case n.Tok != token.ASSIGN || len(n.Lhs) != len(n.Rhs):
					s.give(f, nil)
				case !s.isNil(n.Rhs[i]):
					s.give(f, s.assigned(base, n.Rhs[i], conns))
				}
			}
		case *ast.CompositeLit:
			s.literal(n)
		case *ast.UnaryExpr:
			if _, f := s.selected(n.X); n.Op == token.AND && f != nil {
				s.give(f, nil) // &x.f: set elsewhere
			}
		case *ast.CallExpr:
			s.reset(n, conns)
		}
		return true
	})
}

// give records that field f is given a wrapper over the conn field g
// (nil: something else); a nil value is no value.
func (s *wrapScan) give(f, g *types.Var) {
	if !s.ps.ownWrapperType(f.Type()) || f.Pkg() != s.ps.pass.Pkg {
		return
	}
	switch old := s.out[f]; {
	case g == nil || f.Exported():
		s.bad[f] = true
	case old != nil && old != g:
		s.bad[f] = true
	default:
		s.out[f] = g
	}
}

// assigned returns the conn field of the object base that rhs, assigned
// to a field of base, wraps; nil if none.
func (s *wrapScan) assigned(base string, rhs ast.Expr, conns map[string]*types.Var) *types.Var {
	arg := s.wrappedOperand(rhs)
	if arg == nil {
		return nil
	}
	if b, g := s.selected(arg); g != nil && b == base && isConnField(g) {
		return g
	}
	return conns[base+"="+types.ExprString(arg)]
}

// literal records the wrapper fields a composite literal of a struct
// type sets over the value it gives a conn field.
func (s *wrapScan) literal(lit *ast.CompositeLit) {
	type elt struct {
		field *types.Var
		value ast.Expr
	}
	var elts []elt
	st, _ := deref(s.ps.pass.TypesInfo.TypeOf(lit)).Underlying().(*types.Struct)
	for i, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			elts = append(elts, elt{s.fieldKey(kv.Key), kv.Value})
		} else if st != nil && i < st.NumFields() {
			elts = append(elts, elt{st.Field(i), e}) // T{c, bufio.NewWriter(c)}
		}
	}
	given := map[string]*types.Var{} // value -> the conn field it is given
	for _, e := range elts {
		if e.field != nil && isConnField(e.field) {
			given[types.ExprString(e.value)] = e.field
		}
	}
	for _, e := range elts {
		if e.field == nil || !s.ps.ownWrapperType(e.field.Type()) || s.isNil(e.value) {
			continue
		}
		var g *types.Var
		if arg := s.wrappedOperand(e.value); arg != nil {
			g = given[types.ExprString(arg)]
		}
		s.give(e.field, g)
	}
}

// reset records x.f.Reset(stream): the wrapper f is moved onto stream,
// which must be the conn of one of x's conn fields.
func (s *wrapScan) reset(call *ast.CallExpr, conns map[string]*types.Var) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Reset" || len(call.Args) != 1 {
		return
	}
	base, f := s.selected(sel.X)
	if f == nil {
		return
	}
	var g *types.Var
	arg := ast.Unparen(call.Args[0])
	if b, c := s.selected(arg); c != nil && b == base && isConnField(c) {
		g = c
	} else {
		g = conns[base+"="+types.ExprString(arg)]
	}
	s.give(f, g)
}

// wrappedOperand returns the operand that e, a call of a wrapper
// constructor of the catalogue or of the package's own buffered writer
// (ownbuffers.go), wraps: a variable or a field, not a value made by a
// call; nil otherwise.
func (s *wrapScan) wrappedOperand(e ast.Expr) ast.Expr {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn := typeutil.StaticCallee(s.ps.pass.TypesInfo, call)
	if fn == nil || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return nil
	}
	var arg ast.Expr
	if idx, ok := wrapperConstructors[[2]string{fn.Pkg().Path(), fn.Name()}]; ok && len(idx) == 1 && idx[0] < len(call.Args) {
		arg = call.Args[idx[0]]
	} else if arg = s.ps.bufferedArg(call); arg == nil {
		return nil
	}
	switch arg := ast.Unparen(arg).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		return arg
	}
	return nil
}

// selected returns, for x.f selecting a field f of a struct the package
// declares, the base x as written and the field; nil otherwise.
func (s *wrapScan) selected(e ast.Expr) (string, *types.Var) {
	se, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return "", nil
	}
	sel, ok := s.ps.pass.TypesInfo.Selections[se]
	if !ok || sel.Kind() != types.FieldVal || len(sel.Index()) != 1 {
		return "", nil
	}
	v, _ := sel.Obj().(*types.Var)
	if v == nil || v.Pkg() != s.ps.pass.Pkg {
		return "", nil
	}
	return strings.TrimPrefix(types.ExprString(se.X), "*"), v
}

// fieldKey returns the field a composite literal's key names, or nil.
func (s *wrapScan) fieldKey(k ast.Expr) *types.Var {
	id, ok := k.(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := s.ps.pass.TypesInfo.Uses[id].(*types.Var)
	if v == nil || !v.IsField() || v.Pkg() != s.ps.pass.Pkg {
		return nil
	}
	return v
}

// isConnField reports whether a field holds a connection itself (not a
// wrapper over one).
func isConnField(v *types.Var) bool {
	return IsConnLike(v.Type()) && !isWrapper(v.Type())
}

// isNil reports whether e is the untyped nil.
func (s *wrapScan) isNil(e ast.Expr) bool {
	return s.ps.pass.TypesInfo.Types[e].IsNil()
}
