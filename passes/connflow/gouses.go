package connflow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// This file classifies, for goroles.go, each use a goroutine makes of
// an object handed to it and of that object's conns, by the syntax
// around the use. A use of an object is understood when it selects a
// field, calls one of the package's own functions (which the scan then
// follows, the object tracked in its parameter), compares it, or names
// it with a local variable; a use of a conn when it calls a method that
// only reads (or a neutral one: SetReadDeadline, RemoteAddr, ...),
// passes it to a catalogued reader (io.ReadFull, bufio.NewReader, ...)
// or to one of the package's functions (followed), compares it, or names
// it with a local variable; or when it calls Close (a watcher's abort, a
// read loop's end). A use of a conn that writes or half-closes it, and
// any use that is not understood, makes the goroutine goOwns: that
// default holds by construction.

// readWrappers are the wrapper constructors whose result can only read
// the stream they are given.
var readWrappers = map[[2]string]bool{
	{"bufio", "NewReader"}: true, {"bufio", "NewReaderSize"}: true, {"bufio", "NewScanner"}: true,
	{"net/textproto", "NewReader"}: true, {"encoding/json", "NewDecoder"}: true,
	{"encoding/gob", "NewDecoder"}: true, {"io", "LimitReader"}: true,
}

// body scans a function body for the uses of the tracked objects and
// conns; it stops once the goroutine owns them.
func (s *goScan) body(b *ast.BlockStmt) {
	var stack []ast.Node
	ast.Inspect(b, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if s.role == goOwns {
			return false
		}
		switch e := n.(type) {
		case *ast.Ident, *ast.SelectorExpr:
			s.cur = e.(ast.Expr)
			switch obj, conn := s.tracked(s.cur); {
			case conn:
				s.connUse(stack)
			case obj:
				s.objUse(stack)
			}
		}
		stack = append(stack, n)
		return true
	})
}

// climb returns the index in stack of the parent of the use whose
// parent is stack's last node, past parentheses (and, for an object,
// dereferences and address-of), and the expression it is the parent of.
func climb(stack []ast.Node, x ast.Expr, object bool) (int, ast.Expr) {
	i := len(stack) - 1
	for ; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr:
			x = p
			continue
		case *ast.StarExpr:
			if object {
				x = p
				continue
			}
		case *ast.UnaryExpr:
			if object && p.Op == token.AND {
				x = p
				continue
			}
		case *ast.TypeAssertExpr:
			if !object && p.X == x {
				x = p
				continue
			}
		}
		break
	}
	return i, x
}

// objUse classifies the use of an object whose parent is stack's last
// node.
func (s *goScan) objUse(stack []ast.Node) {
	i, x := climb(stack, s.cur, true)
	if i < 0 {
		s.owns()
		return
	}
	switch p := stack[i].(type) {
	case *ast.SelectorExpr:
		sel, ok := s.info.Selections[p]
		switch {
		case !ok:
			s.owns()
		case sel.Kind() == types.FieldVal:
			// a field: if it is a conn or an object, its own use is classified
		case i == 0 || !isCallOf(stack[i-1], p):
			s.owns() // a method value
		case s.decls[sel.Obj().(*types.Func).Origin()] != nil:
			s.callee(stack[i-1].(*ast.CallExpr))
		default:
			s.promoted(sel)
		}
	case *ast.CallExpr:
		s.callee(p)
	case *ast.BinaryExpr:
	case *ast.AssignStmt, *ast.ValueSpec:
		s.named(p, x, s.objs)
	default:
		s.owns()
	}
}

// connUse classifies the use of a conn whose parent is stack's last
// node.
func (s *goScan) connUse(stack []ast.Node) {
	i, x := climb(stack, s.cur, false)
	if i < 0 {
		s.owns()
		return
	}
	switch p := stack[i].(type) {
	case *ast.SelectorExpr:
		if i == 0 || !isCallOf(stack[i-1], p) || !s.readMethod(s.info.TypeOf(x), p.Sel.Name) {
			s.owns()
		}
	case *ast.CallExpr:
		if !s.readCall(p, x) {
			s.callee(p)
		}
	case *ast.BinaryExpr:
	case *ast.AssignStmt, *ast.ValueSpec:
		s.named(p, x, s.conns)
	default:
		s.owns()
	}
}

// isCallOf reports whether n is a call of fun.
func isCallOf(n ast.Node, fun ast.Expr) bool {
	call, ok := n.(*ast.CallExpr)
	return ok && ast.Unparen(call.Fun) == fun
}

// promoted classifies the call of a method of another package that an
// object's embedded field promotes: a method of an embedded conn is a
// use of that conn; one of any other type (a sync.Mutex) sees only that
// field, which holds none of the object's conns.
func (s *goScan) promoted(sel *types.Selection) {
	idx := sel.Index()
	t := sel.Recv()
	for _, i := range idx[:len(idx)-1] {
		st, ok := deref(t).Underlying().(*types.Struct)
		if !ok {
			s.owns()
			return
		}
		t = st.Field(i).Type()
	}
	switch {
	case len(idx) < 2 || ownStruct(t, s.pkg) != nil:
		s.owns() // a method of another package on the object itself
	case IsConnLike(t) && !s.readMethod(t, sel.Obj().Name()):
		s.owns()
	}
}

// readMethod reports whether calling method name on a conn of type t
// only reads it, closes it, or has no effect on it.
func (s *goScan) readMethod(t types.Type, name string) bool {
	switch name {
	case "Handshake", "HandshakeContext":
		return false // a handshake writes
	case "Close":
		s.role = max(s.role, goCloses)
		return true
	}
	effs, known := methodEffects(t, name)
	if !known {
		return false
	}
	for _, e := range effs {
		if e.operand != 0 {
			continue
		}
		if e.kind != Read && e.kind != ReadEOF {
			return false
		}
		s.reads()
	}
	return true
}

// reads notes a read of a conn: the goroutine reads it concurrently.
func (s *goScan) reads() { s.role = max(s.role, goReads) }

// readCall reports whether the call only reads the conn x among its
// arguments: a catalogued reader, or a wrapper constructor that can only
// read.
func (s *goScan) readCall(call *ast.CallExpr, x ast.Expr) bool {
	fn := typeutil.StaticCallee(s.info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg() == s.pkg {
		return false
	}
	key := [2]string{fn.Pkg().Path(), fn.Name()}
	operand := 0
	if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
		pkg, name := typeName(recv.Type())
		key[0], operand = pkg+"."+name, 1
	}
	for j, a := range call.Args {
		if a != x {
			continue
		}
		if readWrappers[key] && j == 0 {
			s.reads()
			return true
		}
		reads := false
		for _, e := range funcEffects[key] {
			if e.operand == j+operand {
				if e.kind != Read && e.kind != ReadEOF {
					return false
				}
				reads = true
			}
		}
		if reads {
			s.reads()
		}
		return reads
	}
	return false
}

// named tracks the local variable that an assignment or declaration
// names x with, in set; x assigned to anything else is handed on.
func (s *goScan) named(n ast.Node, x ast.Expr, set map[types.Object]bool) {
	var lhs []*ast.Ident
	var rhs []ast.Expr
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, l := range n.Lhs {
			id, _ := ast.Unparen(l).(*ast.Ident)
			lhs = append(lhs, id)
		}
		rhs = n.Rhs
	case *ast.ValueSpec:
		lhs, rhs = n.Names, n.Values
	}
	for j, r := range rhs {
		if r != x {
			continue
		}
		if len(rhs) != len(lhs) && (len(rhs) != 1 || j != 0) || lhs[j] == nil {
			s.owns()
			return
		}
		v, ok := s.info.ObjectOf(lhs[j]).(*types.Var)
		switch {
		case lhs[j].Name == "_":
		case !ok || v.Parent() == nil || v.Parent() == s.pkg.Scope():
			s.owns() // a field, a global: stored
		default:
			set[v] = true
		}
		return
	}
	// x is assigned to, not assigned: the variable or field now holds
	// something else, or (a field of the object) the conn is replaced.
	if _, conn := s.tracked(x); conn {
		s.owns()
	}
}
