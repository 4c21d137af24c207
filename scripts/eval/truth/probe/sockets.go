package probe

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// The probe's own idea of which values hold a socket. It is independent
// of the model on purpose: it defines the population of Close calls the
// model is measured against, so it must not inherit the model's
// blindness. It is a flow-insensitive, package-local propagation over
// variables and struct fields, seeded by types.

// connType reports whether t is a stream-socket type: net.Conn,
// *net.TCPConn, *net.UnixConn, *tls.Conn, an interface with net.Conn's
// method set, or an anonymous interface asserted for CloseWrite or
// SetLinger. These are the types passes/connflow recognizes; they are
// spelled out here rather than asked of connflow so that adapter.go stays
// the one reader of the model.
func connType(t types.Type) bool {
	if t == nil {
		return false
	}
	pkg, name := named(t)
	switch pkg + "." + name {
	case "net.Conn", "net.TCPConn", "net.UnixConn", "net.conn", "crypto/tls.Conn":
		return true
	case "net.UDPConn", "net.IPConn", "net.PacketConn":
		return false
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return false
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	if _, isNamed := types.Unalias(t).(*types.Named); !isNamed && (hasMethod(iface, "CloseWrite") || hasMethod(iface, "SetLinger")) {
		return true
	}
	return hasMethod(iface, "Read") && hasMethod(iface, "Write") && hasMethod(iface, "Close") &&
		hasMethod(iface, "SetReadDeadline") && hasMethod(iface, "RemoteAddr")
}

// named returns the package path and name of t or *t.
func named(t types.Type) (pkg, name string) {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return "", ""
	}
	return n.Obj().Pkg().Path(), n.Obj().Name()
}

func hasMethod(iface *types.Interface, name string) bool {
	for m := range iface.Methods() {
		if m.Name() == name {
			return true
		}
	}
	return false
}

// sockets decides which values of one package hold a socket.
type sockets struct {
	info    *types.Info
	structs map[types.Type]int // holdsStruct memo: 1 yes, 2 no
	held    map[types.Object]bool
}

// holdsStruct reports whether t is a struct, or a pointer to one, with a
// field (named or embedded) of a stream-socket type: a wrapper such as
// *websocket.Conn or *sarama.Broker. Structs that reach a socket only
// through another wrapper (a statement that points to its connection)
// are not wrappers: their Close is not the socket's.
func (s *sockets) holdsStruct(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	if v, ok := s.structs[t]; ok {
		return v == 1
	}
	res := false
	for f := range st.Fields() {
		if connType(f.Type()) {
			res = true
			break
		}
	}
	s.structs[t] = 2
	if res {
		s.structs[t] = 1
	}
	return res
}

// seeded reports whether a value of type t holds a socket by its type.
func (s *sockets) seeded(t types.Type) bool { return connType(t) || s.holdsStruct(t) }

// An edge says that dst may receive what src holds (the idx'th result of
// src, for a multi-value call).
type edge struct {
	dst types.Object
	src ast.Expr
	idx int
}

// newSockets runs the propagation over files until nothing changes.
func newSockets(info *types.Info, files []*ast.File) *sockets {
	s := &sockets{info: info, structs: map[types.Type]int{}, held: map[types.Object]bool{}}
	var edges []edge
	add := func(dst types.Object, src ast.Expr, idx int) {
		if dst != nil && src != nil {
			edges = append(edges, edge{dst, src, idx})
		}
	}
	lhsObj := func(e ast.Expr) types.Object {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.ObjectOf(e)
		case *ast.SelectorExpr:
			if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return info.Uses[e.Sel] // a package-level variable
		}
		return nil
	}
	assign := func(lhs []ast.Expr, rhs []ast.Expr) {
		if len(lhs) == len(rhs) {
			for i := range lhs {
				add(lhsObj(lhs[i]), rhs[i], -1)
			}
		} else if len(rhs) == 1 {
			for i := range lhs {
				add(lhsObj(lhs[i]), rhs[0], i)
			}
		}
	}
	for _, f := range files {
		var sigs []*types.Signature // enclosing functions, innermost last
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body == nil {
					return false
				}
				if obj, ok := info.Defs[n.Name].(*types.Func); ok {
					sigs = append(sigs, obj.Signature())
					ast.Inspect(n.Body, visit)
					sigs = sigs[:len(sigs)-1]
				}
				return false
			case *ast.FuncLit:
				if sig, ok := info.TypeOf(n).(*types.Signature); ok {
					sigs = append(sigs, sig)
					ast.Inspect(n.Body, visit)
					sigs = sigs[:len(sigs)-1]
				}
				return false
			case *ast.AssignStmt:
				if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
					assign(n.Lhs, n.Rhs)
				}
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				assign(lhs, n.Values)
			case *ast.ReturnStmt:
				if len(sigs) > 0 {
					res := sigs[len(sigs)-1].Results()
					if res.Len() == len(n.Results) {
						for i, r := range n.Results {
							add(res.At(i), r, -1)
						}
					}
				}
			case *ast.CompositeLit:
				st, ok := deref(info.TypeOf(n)).Underlying().(*types.Struct)
				if !ok {
					break
				}
				for i, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							add(info.Uses[id], kv.Value, -1)
						}
					} else if i < st.NumFields() {
						add(st.Field(i), el, -1)
					}
				}
			case *ast.CallExpr:
				fn, ok := typeutil.Callee(info, n).(*types.Func)
				if !ok {
					break
				}
				sig := fn.Signature()
				if sig.Recv() != nil {
					if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
						add(sig.Recv(), sel.X, -1)
					}
				}
				for i, a := range n.Args {
					if i < sig.Params().Len() && !(sig.Variadic() && i >= sig.Params().Len()-1) {
						add(sig.Params().At(i), a, -1)
					}
				}
			case *ast.TypeSwitchStmt:
				var x ast.Expr
				switch a := n.Assign.(type) {
				case *ast.AssignStmt:
					if len(a.Rhs) == 1 {
						x = a.Rhs[0]
					}
				}
				if x != nil {
					for _, cc := range n.Body.List {
						add(info.Implicits[cc], x, -1)
					}
				}
			}
			return true
		}
		ast.Inspect(f, visit)
	}
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			if !s.held[e.dst] && s.holdsResult(e.src, e.idx) {
				s.held[e.dst] = true
				changed = true
			}
		}
	}
	return s
}

func deref(t types.Type) types.Type {
	if t == nil {
		return types.Typ[types.Invalid]
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// holdsResult is holds for a single value (idx < 0) or the idx'th result
// of a call.
func (s *sockets) holdsResult(e ast.Expr, idx int) bool {
	if idx < 0 {
		return s.holds(e)
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		if ta, ok := ast.Unparen(e).(*ast.TypeAssertExpr); ok && idx == 0 {
			return s.holds(ta)
		}
		return false
	}
	if tup, ok := s.info.TypeOf(call).(*types.Tuple); ok && idx < tup.Len() && s.seeded(tup.At(idx).Type()) {
		return true
	}
	if fn, ok := typeutil.Callee(s.info, call).(*types.Func); ok {
		res := fn.Signature().Results()
		return idx < res.Len() && s.held[res.At(idx)]
	}
	return false
}

// holds reports whether the value of e may hold a socket: its type says
// so, or it reads a variable, field or result that received one.
func (s *sockets) holds(e ast.Expr) bool {
	if e == nil {
		return false
	}
	if tv, ok := s.info.Types[e]; ok && tv.IsValue() && s.seeded(tv.Type) {
		return true
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return s.held[s.info.ObjectOf(e)]
	case *ast.SelectorExpr:
		if sel := s.info.Selections[e]; sel != nil {
			return sel.Kind() == types.FieldVal && s.held[sel.Obj()]
		}
		return s.held[s.info.Uses[e.Sel]]
	case *ast.StarExpr:
		return s.holds(e.X)
	case *ast.UnaryExpr:
		return e.Op == token.AND && s.holds(e.X)
	case *ast.TypeAssertExpr:
		return s.holds(e.X)
	case *ast.CallExpr:
		if tv, ok := s.info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return s.holds(e.Args[0]) // a conversion
		}
		if fn, ok := typeutil.Callee(s.info, e).(*types.Func); ok {
			res := fn.Signature().Results()
			return res.Len() == 1 && s.held[res.At(0)]
		}
	}
	return false
}
