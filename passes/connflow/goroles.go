package connflow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// This file decides what the goroutines the package starts do to the
// conns of the objects they are handed (fields.go asks it). A go
// statement that uses an object of one of the package's struct types
// (the receiver of the method it starts, an argument, a capture) hands
// that object to a goroutine. What the goroutine does to the object's
// conn fields is read from the syntax, so that it is the same whichever
// functions have SSA: the statement's function, and every function of
// the package it calls with the object (or a conn of the object, or an
// object the object holds in a field), is scanned for the uses of the
// object's conn-like fields (goScan). The statement's role is then:
//
//   - goQuiet: no use of any conn field (a timer, a watcher that only
//     signals);
//   - goCloses: only Close and neutral calls (a context watcher that
//     aborts the conn when its context is done): another goroutine's
//     Close is a deliberate abort, which the rules do not judge, so the
//     conns are judged as if no goroutine used the object;
//   - goReads: reads and neutral calls, and perhaps a Close (a read loop,
//     which closes the conn once its reads end): the conn is read
//     concurrently, at any time;
//   - goOwns: anything else, or anything the scan cannot follow: a
//     write, a CloseWrite or SetLinger, a store to the field, the object or
//     the conn handed to code that is not the package's own functions
//     (a function value, an interface method, another package), a
//     statement whose function is not known, or a scan over its budget.
//
// A type's role is the strongest of its statements'. The conn fields of
// a type whose role is goOwns are not judged (the goroutine may own
// them); those of a goCloses type are judged like those of a goQuiet one;
// those of a goReads type are judged in the methods that write
// and close them, with the mark that another goroutine reads them
// (Conn.ConcurrentRead), so that no fix drains them and unreadclose,
// which cannot know what the reader took, stays silent. goOwns is the
// default: only a use the scan understands lowers it.

// A goRole is what the goroutines the package starts do to the conns of
// one struct type's objects, from the weakest to the strongest claim.
type goRole int

// The roles.
const (
	goNone   goRole = iota // no go statement uses the type's objects
	goQuiet                // goroutines use the objects but no conn field
	goCloses               // goroutines only close the objects' conns
	goReads                // goroutines read the objects' conns, and may close them
	goOwns                 // a goroutine may do more to them, or is not known
)

// maxGoScan is how many function bodies one go statement's scan may
// follow; beyond it the statement's role is goOwns.
const maxGoScan = 64

// goRoles returns the role of each of the package's struct types whose
// objects a go statement hands to a goroutine.
func (ps *pkgState) goRoles() map[*types.Named]goRole {
	if ps.roles != nil {
		return ps.roles
	}
	ps.roles, ps.goStmts = map[*types.Named]goRole{}, map[*types.Named][]token.Pos{}
	info := ps.pass.TypesInfo
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range ps.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}
	holds := map[*types.Named]bool{}
	for _, f := range ps.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				named := goStmtTypes(g, info, ps.pass.Pkg)
				if len(named) == 0 {
					return true
				}
				s := &goScan{info: info, pkg: ps.pass.Pkg, decls: decls, seen: map[scanKey]bool{}, holds: holds}
				role := s.statement(g)
				for _, t := range named {
					ps.roles[t] = max(ps.roles[t], role)
					ps.goStmts[t] = append(ps.goStmts[t], g.Pos())
				}
			}
			return true
		})
	}
	return ps.roles
}

// goStmtTypes returns the package's struct types whose objects the go
// statement g hands to its goroutine: the receiver of the method it
// starts, an argument, or a variable a started closure captures.
func goStmtTypes(g *ast.GoStmt, info *types.Info, pkg *types.Package) []*types.Named {
	var out []*types.Named
	note := func(e ast.Expr) {
		if tv, ok := info.Types[e]; ok {
			if n := ownStruct(tv.Type, pkg); n != nil {
				out = append(out, n)
			}
		}
	}
	if sel, ok := g.Call.Fun.(*ast.SelectorExpr); ok {
		note(sel.X)
	}
	for _, a := range g.Call.Args {
		note(a)
	}
	if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name != "_" {
				if obj := info.Uses[id]; obj != nil && obj.Pos() < lit.Pos() {
					note(id)
				}
			}
			return true
		})
	}
	return out
}

// A goScan follows one go statement's goroutine through the package's
// functions. objs are the variables that hold an object handed to the
// goroutine (or an object such an object holds), conns those that hold
// one of their conns; role is the strongest use found so far.
type goScan struct {
	info  *types.Info
	pkg   *types.Package
	decls map[*types.Func]*ast.FuncDecl
	seen  map[scanKey]bool
	holds map[*types.Named]bool
	objs  map[types.Object]bool
	conns map[types.Object]bool
	role  goRole
	n     int      // the bodies followed
	cur   ast.Expr // the use being classified (gouses.go)
}

// A scanKey is one function scanned with one parameter tracked, as an
// object (conn false) or as a conn.
type scanKey struct {
	fn    *ast.FuncDecl
	param int
	conn  bool
}

// statement returns the role of the go statement g.
func (s *goScan) statement(g *ast.GoStmt) goRole {
	s.objs, s.conns = map[types.Object]bool{}, map[types.Object]bool{}
	s.role = goQuiet
	if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if obj := s.info.Uses[id]; obj != nil && obj.Pos() < lit.Pos() && s.isObject(id) {
					s.objs[obj] = true
				}
			}
			return true
		})
		s.bind(nil, g.Call.Args, s.params(nil, lit.Type), variadic(s.info.Types[lit].Type), true)
		s.body(lit.Body)
		return s.role
	}
	fn := typeutil.StaticCallee(s.info, g.Call)
	if fn == nil || s.decls[fn.Origin()] == nil {
		return goOwns // a function value, an interface method, another package's function
	}
	s.follow(g.Call, fn, true)
	return s.role
}

// callee follows the call into the package's function it calls, with
// the tracked objects and conns among its operands tracked in its
// parameters; a call of anything else hands them on.
func (s *goScan) callee(call *ast.CallExpr) {
	fn := typeutil.StaticCallee(s.info, call)
	if fn == nil || s.decls[fn.Origin()] == nil {
		s.owns()
		return
	}
	s.follow(call, fn, false)
}

// follow scans the body of fn, called by call, with the parameters that
// receive a tracked object or conn tracked too (at the go statement
// itself, entry: every object operand, and every conn field of one), once
// per parameter.
func (s *goScan) follow(call *ast.CallExpr, fn *types.Func, entry bool) {
	decl := s.decls[fn.Origin()]
	var recv ast.Expr
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if x, ok := s.info.Selections[sel]; ok && x.Kind() == types.MethodVal {
			recv = sel.X
		}
	}
	if !s.bind(recv, call.Args, s.params(decl.Recv, decl.Type), fn.Signature().Variadic(), entry) || s.role == goOwns {
		return
	}
	if s.n++; s.n > maxGoScan {
		s.owns()
		return
	}
	s.body(decl.Body)
}

// params returns the receiver (if recv is not nil) and the parameters
// of a function, one per operand it takes (nil for an unnamed one).
func (s *goScan) params(recv *ast.FieldList, ft *ast.FuncType) []types.Object {
	var out []types.Object
	for _, fl := range []*ast.FieldList{recv, ft.Params} {
		if fl == nil {
			continue
		}
		for _, f := range fl.List {
			if len(f.Names) == 0 {
				out = append(out, nil)
			}
			for _, n := range f.Names {
				out = append(out, s.info.Defs[n])
			}
		}
	}
	return out
}

// bind tracks, in the parameters params, the tracked objects and conns
// among the operands (the receiver recv, if not nil, then args), and
// reports whether one is tracked there for the first time. One that
// lands in a variadic parameter, or that the call has no parameter for,
// is handed on.
func (s *goScan) bind(recv ast.Expr, args []ast.Expr, params []types.Object, variadic, entry bool) bool {
	ops := args
	if recv != nil {
		ops = append([]ast.Expr{recv}, args...)
	}
	fresh := false
	for j, op := range ops {
		obj, conn := s.operand(op, entry)
		if !obj && !conn {
			continue
		}
		if j >= len(params) || variadic && j >= len(params)-1 {
			s.owns()
			return false
		}
		p := params[j]
		if p == nil {
			continue
		}
		set := s.objs
		if conn {
			set = s.conns
		}
		if !set[p] {
			set[p], fresh = true, true
		}
	}
	return fresh
}

// variadic reports whether t is the signature of a variadic function.
func variadic(t types.Type) bool {
	sig, ok := t.(*types.Signature)
	return ok && sig.Variadic()
}

// operand reports whether the operand op is a tracked object or conn
// (at the go statement, entry: any object of the package's struct types,
// or a conn field of one).
func (s *goScan) operand(op ast.Expr, entry bool) (obj, conn bool) {
	if !entry {
		return s.tracked(op)
	}
	if sel, ok := ast.Unparen(op).(*ast.SelectorExpr); ok {
		if x, ok := s.info.Selections[sel]; ok && x.Kind() == types.FieldVal && s.isObject(sel.X) && IsConnLike(x.Obj().Type()) {
			return false, true
		}
	}
	return s.isObject(op), false
}

// owns marks the scan goOwns.
func (s *goScan) owns() { s.role = goOwns }

// isObject reports whether e is an object of one of the package's
// struct types that holds a conn-like field (in itself, or in an object
// of the package it holds): an object that holds none (a config, a
// mutex wrapper) carries nothing a goroutine could own.
func (s *goScan) isObject(e ast.Expr) bool {
	tv, ok := s.info.Types[e]
	return ok && s.holdsConn(ownStruct(tv.Type, s.pkg))
}

// holdsConn reports whether the package's struct type n has a conn-like
// field, or a field of such a type of the package (or a pointer to one).
func (s *goScan) holdsConn(n *types.Named) bool {
	if n == nil {
		return false
	}
	if h, ok := s.holds[n]; ok {
		return h
	}
	s.holds[n] = false // a type that holds itself holds nothing more
	h := false
	for f := range n.Underlying().(*types.Struct).Fields() {
		if h = IsConnLike(f.Type()) || s.holdsConn(ownStruct(f.Type(), s.pkg)); h {
			break
		}
	}
	s.holds[n] = h
	return h
}

// tracked reports whether e denotes an object handed to the goroutine
// (or one it holds in a field), and conn whether it denotes one of their
// conns.
func (s *goScan) tracked(e ast.Expr) (obj, conn bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		o := s.info.Uses[e]
		return s.objs[o], s.conns[o]
	case *ast.StarExpr:
		return s.tracked(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return s.tracked(e.X)
		}
	case *ast.SelectorExpr:
		sel, ok := s.info.Selections[e]
		if !ok || sel.Kind() != types.FieldVal {
			return false, false
		}
		if o, _ := s.tracked(e.X); o {
			return s.isObject(e), IsConnLike(sel.Obj().Type())
		}
	}
	return false, false
}
