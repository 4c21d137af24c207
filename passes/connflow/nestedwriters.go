package connflow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// This file decides which fields of the package's struct types hold an
// object built over a writer field of the same object, from the syntax:
// `fr := NewFramer(s.bw, c); s.framer = fr`, where NewFramer returns
// `&Framer{w: w, ...}` and nothing else in the package sets Framer.w. The
// framer's field w is then s.bw (fields.go, canonicalBuffered), and what
// the framer's methods write into w (their summary's effect on field w)
// is written into s.bw: a buffered write, if s.bw buffers (a bufio.Writer
// or the package's own buffered writer: ownbuffers.go).

// nestedWriters returns, per pair (F, h) of a field F of one of the
// package's struct types and a field h of the object F holds, the field
// G of F's struct that h holds: every value the package gives F is built
// by a constructor of the package that gives h its parameter, called with
// x.G of the same object x (directly, `x.F = NewS(x.G)`, or through a
// local variable given the call once, `s := NewS(x.G); x.F = s`), where
// G is a conn field or a wrapper field, F and h are unexported, and
// nothing else in the package sets h or gives F a value (a composite
// literal, `&x.F`).
func (ps *pkgState) nestedWriters() map[[2]*types.Var]*types.Var {
	if ps.nested != nil {
		return ps.nested
	}
	n := &nestScan{ps: ps, s: &wrapScan{ps: ps},
		out: map[[2]*types.Var]*types.Var{}, bad: map[*types.Var]bool{}, badPair: map[[2]*types.Var]bool{},
		set: map[*types.Var]bool{}, assigned: map[*types.Var]int{}, given: map[[2]*types.Var]int{}}
	for _, file := range ps.pass.Files {
		ast.Inspect(file, n.elsewhere)
	}
	for _, file := range ps.pass.Files {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				n.function(fd.Body)
			}
		}
	}
	ps.nested = map[[2]*types.Var]*types.Var{}
	for k, g := range n.out {
		if !n.bad[k[0]] && !n.badPair[k] && n.given[k] == n.assigned[k[0]] && !n.set[k[1]] && !k[1].Exported() {
			ps.nested[k] = g
		}
	}
	return ps.nested
}

// A nestScan is the state of nestedWriters' walk.
type nestScan struct {
	ps       *pkgState
	s        *wrapScan
	out      map[[2]*types.Var]*types.Var // (F, h) -> G, so far
	bad      map[*types.Var]bool          // fields F given a value some other way
	badPair  map[[2]*types.Var]bool       // pairs given something else than one field G
	set      map[*types.Var]bool          // fields assigned anywhere: no h may be
	assigned map[*types.Var]int           // how many assignments give F a value
	given    map[[2]*types.Var]int        // how many of them give the pair its G
}

// elsewhere notes the fields node n sets in any way but a constructor
// call assigned to x.F: every assigned field (no h may be), a field whose
// address is taken or that a composite literal gives.
func (n *nestScan) elsewhere(node ast.Node) bool {
	switch node := node.(type) {
	case *ast.AssignStmt:
		for _, l := range node.Lhs {
			if _, h := n.s.selected(l); h != nil {
				n.set[h] = true
			}
		}
	case *ast.UnaryExpr:
		if _, f := n.s.selected(node.X); node.Op == token.AND && f != nil {
			n.bad[f] = true // &x.F: set elsewhere
		}
	case *ast.CompositeLit:
		st, _ := deref(n.ps.pass.TypesInfo.TypeOf(node)).Underlying().(*types.Struct)
		for i, e := range node.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if f := n.s.fieldKey(kv.Key); f != nil {
					n.bad[f] = true
				}
			} else if st != nil && i < st.NumFields() {
				n.bad[st.Field(i)] = true
			}
		}
	}
	return true
}

// function scans the assignments `x.F = ...` of one function body.
func (n *nestScan) function(body *ast.BlockStmt) {
	calls := n.localCalls(body)
	info := n.ps.pass.TypesInfo
	ast.Inspect(body, func(node ast.Node) bool {
		as, ok := node.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			base, f := n.s.selected(l)
			if f == nil || f.Exported() || ownStruct(f.Type(), n.ps.pass.Pkg) == nil {
				continue
			}
			var call *ast.CallExpr
			if len(as.Lhs) == len(as.Rhs) {
				call, _ = ast.Unparen(as.Rhs[i]).(*ast.CallExpr)
				if id, ok := ast.Unparen(as.Rhs[i]).(*ast.Ident); ok {
					call = calls[info.Uses[id]]
				}
			}
			n.assign(base, f, n.ps.constructorHolds(call))
		}
		return true
	})
}

// assign records that x.F (base x) is given an object whose fields h
// hold the arguments held (none: not a constructor's result).
func (n *nestScan) assign(base string, f *types.Var, held map[*types.Var]ast.Expr) {
	n.assigned[f]++
	if len(held) == 0 {
		n.bad[f] = true
		return
	}
	for h, arg := range held {
		pair := [2]*types.Var{f, h}
		b, g := n.s.selected(arg)
		switch old := n.out[pair]; {
		case g == nil || b != base || !isConnField(g) && !n.ps.ownWrapperType(g.Type()):
			n.badPair[pair] = true // h holds something else
		case old != nil && old != g:
			n.badPair[pair] = true
		default:
			n.out[pair] = g
			n.given[pair]++
		}
	}
}

// localCalls returns the local variables of body defined once, by a
// call (`s := NewS(...)`), and that call; nil for the others.
func (n *nestScan) localCalls(body *ast.BlockStmt) map[types.Object]*ast.CallExpr {
	info := n.ps.pass.TypesInfo
	calls := map[types.Object]*ast.CallExpr{}
	ast.Inspect(body, func(node ast.Node) bool {
		as, ok := node.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				continue
			}
			obj := info.ObjectOf(id)
			var call *ast.CallExpr
			if len(as.Lhs) == len(as.Rhs) {
				call, _ = ast.Unparen(as.Rhs[i]).(*ast.CallExpr)
			}
			if _, seen := calls[obj]; seen || call == nil || as.Tok != token.DEFINE {
				calls[obj] = nil
			} else {
				calls[obj] = call
			}
		}
		return true
	})
	return calls
}

// constructorHolds returns, for a call of a constructor of the package
// that returns one composite literal of a struct type (`&S{h: p}`,
// directly or through the variable it was given to), the argument the
// call gives each field h of S that the literal sets to a parameter and
// that may carry a conn (an io.Writer, say).
func (ps *pkgState) constructorHolds(call *ast.CallExpr) map[*types.Var]ast.Expr {
	if call == nil {
		return nil
	}
	fn := typeutil.StaticCallee(ps.pass.TypesInfo, call)
	if fn == nil || fn.Signature().Recv() != nil || fn.Signature().Results().Len() != 1 {
		return nil
	}
	decl := ps.funcDecl(fn)
	if decl == nil || decl.Body == nil {
		return nil
	}
	lit := ps.returnedLiteral(decl.Body)
	if lit == nil {
		return nil
	}
	out := map[*types.Var]ast.Expr{}
	for h, i := range ps.literalParams(lit, fn.Signature().Params()) {
		if IsConnLike(h.Type()) && i < len(call.Args) {
			out[h] = call.Args[i]
		}
	}
	return out
}

// returnedLiteral returns the one composite literal (or its address)
// that every return statement of body returns, directly or through the
// local variable it was defined with; nil if none.
func (ps *pkgState) returnedLiteral(body *ast.BlockStmt) *ast.CompositeLit {
	info := ps.pass.TypesInfo
	lits := map[types.Object]*ast.CompositeLit{}
	var lit *ast.CompositeLit
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if id, isID := n.Lhs[0].(*ast.Ident); isID && addrLit(n.Rhs[0]) != nil {
					lits[info.ObjectOf(id)] = addrLit(n.Rhs[0])
				}
			}
		case *ast.ReturnStmt:
			var l *ast.CompositeLit
			if len(n.Results) == 1 {
				l = addrLit(n.Results[0])
				if id, isID := ast.Unparen(n.Results[0]).(*ast.Ident); isID {
					l = lits[info.Uses[id]]
				}
			}
			if l == nil || lit != nil && l != lit {
				ok = false
			}
			lit = l
		}
		return true
	})
	if !ok {
		return nil
	}
	return lit
}

// addrLit returns the composite literal e is, or takes the address of.
func addrLit(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}
