package connflow

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// This file decides which struct types of the package are buffered
// writers of their own, from the syntax, so that the answer is the same
// whichever functions have SSA: a type with one conn field and a
// *bufio.Writer field, whose Write method writes into that bufio.Writer
// and whose Flush method flushes it (x/net http2's bufferedWriter). What
// such an object's Write takes waits in the buffer; its Flush sends it.
// The bytes are taken to go to the object's one conn field (the
// bufio.Writer may be Reset onto a view of the object, as x/net's is). A
// constructor that returns `&B{conn: c, ...}` for a parameter c builds
// one over c, and a field given it beside the conn it is built over is a
// wrapper field of that conn (wrapfields.go), written with buffered
// writes: `s.bw.Write(p)` is a BufWrite of s.conn, `s.bw.Flush()` a
// Write. Any other type stays what it was: no conn, or a conn of its own.

// bufferedMethods are the methods of an own buffered writer type the
// model knows, and what they do to the conn it is over.
var bufferedMethods = map[string][]opEffect{
	"Write": {eff(0, BufWrite, Failed)},
	"Flush": {eff(0, Write, Failed)},
}

// ownBuffered reports whether t is, or points to, a buffered writer type
// of the package's own (see above).
func (ps *pkgState) ownBuffered(t types.Type) bool {
	n := ownStruct(t, ps.pass.Pkg)
	if n == nil {
		return false
	}
	return ps.bufferedTypes()[n]
}

// bufferedTypes finds the package's own buffered writer types.
func (ps *pkgState) bufferedTypes() map[*types.Named]bool {
	if ps.buffered != nil {
		return ps.buffered
	}
	ps.buffered = map[*types.Named]bool{}
	// writes[n][m] is the bufio.Writer field of n that method m
	// (Write or Flush) calls m on.
	writes := map[*types.Named]map[string]*types.Var{}
	for _, f := range ps.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil || (fd.Name.Name != "Write" && fd.Name.Name != "Flush") {
				continue
			}
			fn, _ := ps.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			n := ownStruct(fn.Signature().Recv().Type(), ps.pass.Pkg)
			if n == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
				continue
			}
			recv := ps.pass.TypesInfo.Defs[fd.Recv.List[0].Names[0]]
			if g := ps.bufioCall(fd.Body, recv, fd.Name.Name); g != nil {
				if writes[n] == nil {
					writes[n] = map[string]*types.Var{}
				}
				writes[n][fd.Name.Name] = g
			}
		}
	}
	for n, m := range writes {
		if m["Write"] != nil && m["Write"] == m["Flush"] && connFieldOf(n) != nil {
			ps.buffered[n] = true
		}
	}
	return ps.buffered
}

// bufioCall returns the *bufio.Writer field of the receiver recv on
// which body calls method (directly, `w.bw.Write(p)`, or through a local
// variable given the field, `bw := w.bw; bw.Flush()`), or nil.
func (ps *pkgState) bufioCall(body *ast.BlockStmt, recv types.Object, method string) *types.Var {
	info := ps.pass.TypesInfo
	// field returns the bufio.Writer field of recv that e selects.
	field := func(e ast.Expr) *types.Var {
		se, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		id, ok := ast.Unparen(se.X).(*ast.Ident)
		if !ok || info.Uses[id] != recv {
			return nil
		}
		v, _ := info.Uses[se.Sel].(*types.Var)
		if v == nil || !v.IsField() || !namedIs(v.Type(), "bufio", "Writer") {
			return nil
		}
		return v
	}
	locals := map[types.Object]*types.Var{} // bw := w.bw
	var found *types.Var
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if obj := info.ObjectOf(id); obj != nil {
							if f := field(n.Rhs[i]); f != nil {
								locals[obj] = f
							}
						}
					}
				}
			}
		case *ast.CallExpr:
			se, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if !ok || se.Sel.Name != method {
				return true
			}
			f := field(se.X)
			if id, ok := ast.Unparen(se.X).(*ast.Ident); ok && f == nil {
				f = locals[info.Uses[id]]
			}
			if f != nil {
				found = f
			}
		}
		return true
	})
	return found
}

// connFieldOf returns the one conn field of the struct type n, or nil if
// it has none or more than one.
func connFieldOf(n *types.Named) *types.Var {
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var g *types.Var
	for f := range st.Fields() {
		if isConnField(f) {
			if g != nil {
				return nil
			}
			g = f
		}
	}
	return g
}

// ownBufferedValue reports whether t is the type of a field of an own
// buffered writer type, or of its address: a value identity.go follows
// when the field wraps a conn field (wrapfields.go).
func (b *funcBuilder) ownBufferedValue(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok && b.ps.ownBuffered(p.Elem()) {
		return true
	}
	return b.ps.ownBuffered(t)
}

// ownWrapperType reports whether a field of type t may hold a wrapper
// over a conn field: a wrapper type of the catalogue, or the package's
// own buffered writer.
func (ps *pkgState) ownWrapperType(t types.Type) bool {
	return isWrapper(t) || ps.ownBuffered(t)
}

// buffersWrites reports whether what is written into a value of type t
// waits in a buffer until a Flush: a bufio.Writer or bufio.ReadWriter, or
// the package's own buffered writer.
func (ps *pkgState) buffersWrites(t types.Type) bool {
	return bufioWriterType(t) || ps.ownBuffered(t)
}

// ownBufferedConstructor returns the parameter over which fn, a function
// of the package, builds an own buffered writer: it returns one composite
// literal (nestedwriters.go, returnedLiteral), `&B{g: p, ...}` with g B's
// conn field and p a parameter of fn; -1 if none.
func (ps *pkgState) ownBufferedConstructor(fn *types.Func) int {
	decl := ps.funcDecl(fn)
	if decl == nil || decl.Body == nil || fn.Signature().Results().Len() != 1 || !ps.ownBuffered(fn.Signature().Results().At(0).Type()) {
		return -1
	}
	lit := ps.returnedLiteral(decl.Body)
	if lit == nil {
		return -1
	}
	return ps.bufferedOver(lit, fn.Signature().Params())
}

// bufferedOver returns the index in params of the parameter that lit, a
// composite literal of an own buffered writer type, gives the type's
// conn field; -1 if none.
func (ps *pkgState) bufferedOver(lit *ast.CompositeLit, params *types.Tuple) int {
	n := ownStruct(ps.pass.TypesInfo.TypeOf(lit), ps.pass.Pkg)
	if n == nil || !ps.ownBuffered(n) {
		return -1
	}
	if i, ok := ps.literalParams(lit, params)[connFieldOf(n)]; ok {
		return i
	}
	return -1
}

// literalParams returns, for each field a keyed composite literal gives
// a parameter of params (`S{h: p}`), the parameter's index.
func (ps *pkgState) literalParams(lit *ast.CompositeLit, params *types.Tuple) map[*types.Var]int {
	info := ps.pass.TypesInfo
	out := map[*types.Var]int{}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, _ := kv.Key.(*ast.Ident)
		v, _ := kv.Value.(*ast.Ident)
		if k == nil || v == nil {
			continue
		}
		h, _ := info.Uses[k].(*types.Var)
		for i := range params.Len() {
			if h != nil && info.Uses[v] == params.At(i) {
				out[h] = i
			}
		}
	}
	return out
}

// funcDecl returns the declaration of the package function fn, or nil.
func (ps *pkgState) funcDecl(fn *types.Func) *ast.FuncDecl {
	if fn == nil || fn.Pkg() != ps.pass.Pkg {
		return nil
	}
	if ps.decls == nil {
		ps.decls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range ps.pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := ps.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						ps.decls[obj] = fd
					}
				}
			}
		}
	}
	return ps.decls[fn]
}

// bufferedArg returns the argument of call that it builds an own
// buffered writer over, if call is a call of such a constructor.
func (ps *pkgState) bufferedArg(call *ast.CallExpr) ast.Expr {
	fn := typeutil.StaticCallee(ps.pass.TypesInfo, call)
	if fn == nil || fn.Signature().Recv() != nil {
		return nil
	}
	if p := ps.ownBufferedConstructor(fn); p >= 0 && p < len(call.Args) {
		return call.Args[p]
	}
	return nil
}
