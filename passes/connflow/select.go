package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
)

// This file decides which functions of a package get SSA. A function is
// worth building when its signature has a conn-like parameter (it may be
// a helper that other code calls with a conn, so it needs a summary) or a
// conn result (it may make in-memory conns, an InMemory fact), or when
// its body mentions a connection, a linger struct, a listener, a dialer
// or a hijacker, or calls SetLinger. Every other function keeps its
// declaration but loses its body (program.go), so go/ssa treats it as
// external and spends nothing on it; a package with no such function
// builds no SSA at all. See docs/design.md.

// selection is the outcome of the cheap pre-pass over types and syntax.
type selection struct {
	decls    map[*ast.FuncDecl]bool // functions to build
	initKeep func(ast.Expr) bool    // package-level initializers to build
	empty    bool                   // nothing in the package touches a conn
	// declare are the package's functions the built code refers to: they
	// are declared (without body); every other function is left out.
	declare map[types.Object]bool
	// imports are the imported packages the built code refers to: only
	// they get (type-only) SSA packages.
	imports map[*types.Package]bool
}

// A selector is the state of one selection.
type selector struct {
	pass      *analysis.Pass
	tests     bool   // _test.go files are analyzed
	decls     []span // the package's function declarations, by position
	sel       *selection
	initPos   []token.Pos // conn mentions outside any function
	testFiles map[*token.File]bool
	lingers   []token.Pos           // mentions of SetLinger and linger structs
	holds     map[*types.Named]bool // memoizes holdsConnField, by the package's struct type
	// objOnly are the functions whose signature has only an object that
	// holds a conn-like field (objmethods.go), and connDeep those in which
	// an expression's type holds a conn, however deep (deepConn).
	objOnly  map[*ast.FuncDecl]bool
	connDeep map[*ast.FuncDecl]bool
	deep     map[types.Type]bool // memoizes deepConn
}

// A span is a function declaration's extent.
type span struct {
	pos, end token.Pos
	decl     *ast.FuncDecl
}

// selectFuncs selects the functions of the package to build, and what
// they refer to. Code in _test.go files is left out unless tests is set.
// maxBlocks is the block budget (objmethods.go).
func selectFuncs(pass *analysis.Pass, tests bool, maxBlocks int) *selection {
	s := &selector{pass: pass, tests: tests, sel: &selection{decls: map[*ast.FuncDecl]bool{}},
		testFiles: map[*token.File]bool{}, holds: map[*types.Named]bool{},
		objOnly: map[*ast.FuncDecl]bool{}, connDeep: map[*ast.FuncDecl]bool{}, deep: map[types.Type]bool{}}
	s.bySignature()
	s.byMentions()
	s.byLingerCalls()
	s.reachObjects(maxBlocks)
	s.sel.initKeep = func(e ast.Expr) bool {
		for _, p := range s.initPos {
			if e.Pos() <= p && p < e.End() {
				return true
			}
		}
		return false
	}
	s.sel.empty = len(s.sel.decls) == 0 && len(s.initPos) == 0
	if !s.sel.empty {
		s.references()
	}
	return s.sel
}

// bySignature indexes the package's function declarations and selects
// those whose signature has a conn-like parameter or a conn result; it
// notes those whose signature has an object that holds a conn-like field
// (objmethods.go decides which of them to build).
func (s *selector) bySignature() {
	for _, f := range s.pass.Files {
		if !s.tests && IsTestFile(s.pass.Fset.File(f.Pos()).Name()) {
			continue // not analyzed: its functions are left out of the SSA program
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			s.decls = append(s.decls, span{fd.Pos(), fd.End(), fd})
			switch obj, ok := s.pass.TypesInfo.Defs[fd.Name].(*types.Func); {
			case !ok:
			case sigIsConnLike(obj):
				s.sel.decls[fd] = true
			case s.sigHasConnObject(obj.Type().(*types.Signature)):
				s.objOnly[fd] = true
			}
		}
	}
	sort.Slice(s.decls, func(i, j int) bool { return s.decls[i].pos < s.decls[j].pos })
}

// byMentions selects the functions (and keeps the package-level
// initializers) in which an expression's type is a conn, a listener, a
// dialer, a hijacker or a linger struct, or in which SetLinger is called
// whatever the receiver's type (a type parameter, a named interface):
// SetLinger is judged at the call.
func (s *selector) byMentions() {
	// Such a type can only appear in a package that imports net (directly
	// or not), or syscall or x/sys/unix for a linger struct. Elsewhere
	// the walk over every expression's type is skipped.
	if mayMentionConns(s.pass.Pkg) {
		memo := map[types.Type]bool{}
		for expr, tv := range s.pass.TypesInfo.Types {
			m, ok := memo[tv.Type]
			if !ok {
				m = mentionsConn(tv.Type)
				memo[tv.Type] = m
			}
			if m {
				s.mention(expr.Pos())
			}
			if s.deepConn(tv.Type) {
				if d := s.declAt(expr.Pos()); d != nil {
					s.connDeep[d] = true
				}
			}
			if isLingerStruct(tv.Type) {
				s.lingers = append(s.lingers, expr.Pos())
			}
		}
	}
	for se, sel := range s.pass.TypesInfo.Selections {
		if sel.Obj().Name() == "SetLinger" {
			s.mention(se.Pos())
			s.lingers = append(s.lingers, se.Pos())
		}
	}
}

// byLingerCalls selects the functions that call a function that may set
// SO_LINGER from its parameters (lingercalls.go), whatever else they
// mention: one of this package that sets it or calls one that does, or
// one of another package with a LingerParams fact.
func (s *selector) byLingerCalls() {
	if !mayMentionConns(s.pass.Pkg) {
		return // no linger setting can be reached from here
	}
	setters := map[*ast.FuncDecl]bool{}
	hasFact := map[*types.Func]bool{}
	for _, p := range s.lingers {
		if d := s.declAt(p); d != nil {
			setters[d] = true
		}
	}
	calls := map[*ast.FuncDecl][]*ast.FuncDecl{} // callee -> callers
	for id, obj := range s.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		caller := s.declAt(id.Pos())
		if caller == nil || !s.tests && inTestFile(s.pass.Fset, id.Pos(), s.testFiles) {
			continue
		}
		if fn.Pkg() != s.pass.Pkg {
			has, seen := hasFact[fn]
			if !seen {
				has = s.pass.ImportObjectFact(fn.Origin(), new(LingerParams))
				hasFact[fn] = has
			}
			if has {
				s.sel.decls[caller] = true
			}
			continue
		}
		if callee := s.declOf(fn.Origin()); callee != nil {
			calls[callee] = append(calls[callee], caller)
		}
	}
	work := make([]*ast.FuncDecl, 0, len(setters))
	for _, sp := range s.decls {
		if setters[sp.decl] {
			work = append(work, sp.decl)
		}
	}
	for len(work) > 0 {
		d := work[0]
		work = work[1:]
		for _, caller := range calls[d] {
			s.sel.decls[caller] = true
			if !setters[caller] {
				setters[caller] = true
				work = append(work, caller)
			}
		}
	}
}

// declOf returns the declaration of the package's function fn, or nil.
func (s *selector) declOf(fn *types.Func) *ast.FuncDecl {
	if d := s.declAt(fn.Pos()); d != nil && d.Name.Pos() == fn.Pos() {
		return d
	}
	return nil
}

// mention selects the function around p, or keeps the package-level
// initializer around it.
func (s *selector) mention(p token.Pos) {
	if !s.tests && inTestFile(s.pass.Fset, p, s.testFiles) {
		return
	}
	if d := s.declAt(p); d != nil {
		s.sel.decls[d] = true
	} else {
		s.initPos = append(s.initPos, p)
	}
}

// declAt returns the function declaration around p, or nil.
func (s *selector) declAt(p token.Pos) *ast.FuncDecl {
	i := sort.Search(len(s.decls), func(i int) bool { return s.decls[i].end > p })
	if i < len(s.decls) && s.decls[i].pos <= p {
		return s.decls[i].decl
	}
	return nil
}

// references records what the code to build refers to: the package's
// functions (to declare) and the imported packages (to create). Only the
// selected functions and the kept initializers are walked.
func (s *selector) references() {
	s.sel.declare = map[types.Object]bool{}
	s.sel.imports = map[*types.Package]bool{}
	refer := func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := s.pass.TypesInfo.Uses[id]
		if obj == nil || obj.Pkg() == nil {
			return true
		}
		if pkg := obj.Pkg(); pkg == s.pass.Pkg {
			if fn, ok := obj.(*types.Func); ok {
				s.sel.declare[fn.Origin()] = true
			}
		} else if obj.Parent() == pkg.Scope() {
			s.sel.imports[pkg] = true
		}
		return true
	}
	for d, built := range s.sel.decls {
		if built {
			ast.Inspect(d, refer)
		}
	}
	for _, init := range s.pass.TypesInfo.InitOrder {
		if s.sel.initKeep(init.Rhs) {
			ast.Inspect(init.Rhs, refer)
		}
	}
}

var netImporters sync.Map // *types.Package -> bool

// importsNet reports whether p imports package net, directly or not.
func importsNet(p *types.Package) bool {
	if v, ok := netImporters.Load(p); ok {
		return v.(bool)
	}
	r := p.Path() == "net"
	for _, q := range p.Imports() {
		if r {
			break
		}
		r = importsNet(q)
	}
	netImporters.Store(p, r)
	return r
}

// mayMentionConns reports whether code in p can mention a conn or a
// linger struct: p imports net (directly or not), syscall or x/sys/unix.
func mayMentionConns(p *types.Package) bool {
	if importsNet(p) {
		return true
	}
	for _, q := range p.Imports() {
		if q.Path() == "syscall" || q.Path() == "golang.org/x/sys/unix" {
			return true
		}
	}
	return false
}

// inTestFile reports whether p is in a _test.go file.
func inTestFile(fset *token.FileSet, p token.Pos, memo map[*token.File]bool) bool {
	tf := fset.File(p)
	if tf == nil {
		return false
	}
	t, ok := memo[tf]
	if !ok {
		t = IsTestFile(tf.Name())
		memo[tf] = t
	}
	return t
}

// sigIsConnLike reports whether the function's signature has a
// conn-like receiver or parameter, or a conn result.
func sigIsConnLike(obj *types.Func) bool {
	sig := obj.Type().(*types.Signature)
	// A conn result: the function may be an in-memory producer
	// (inmemory.go), whose returns must be seen even when its body only
	// mentions the concrete type it converts (return &pipe{}, nil). An
	// object that holds a conn (sigHasConnObject): the method may act on
	// the object's conn through its other methods (objects.go), if it is
	// reached (objmethods.go).
	return sigHasConnLike(sig) || len(connResults(sig)) > 0
}

// sigHasConnObject reports whether sig has a receiver or parameter that
// is a struct type declared in the package with a conn-like field.
func (s *selector) sigHasConnObject(sig *types.Signature) bool {
	return sigHas(sig, s.holdsConn)
}

// sigHas reports whether the receiver or a parameter of sig has a type
// for which pred holds.
func sigHas(sig *types.Signature, pred func(types.Type) bool) bool {
	if r := sig.Recv(); r != nil && pred(r.Type()) {
		return true
	}
	for v := range sig.Params().Variables() {
		if pred(v.Type()) {
			return true
		}
	}
	return false
}

// holdsConn is holdsConnField(t, the package, 0), memoized by the struct
// type t is or points to: every method of a type asks it of its receiver.
func (s *selector) holdsConn(t types.Type) bool {
	n := ownStruct(t, s.pass.Pkg)
	if n == nil {
		return false
	}
	h, ok := s.holds[n]
	if !ok {
		h = holdsConnField(n, s.pass.Pkg, 0)
		s.holds[n] = h
	}
	return h
}

// holdsConnField reports whether t is, or points to, a struct type
// declared in pkg with a conn-like field (or a field of such a type).
func holdsConnField(t types.Type, pkg *types.Package, depth int) bool {
	n := ownStruct(t, pkg)
	if n == nil || depth > 3 {
		return false
	}
	st := n.Underlying().(*types.Struct)
	for f := range st.Fields() {
		if IsConnLike(f.Type()) || holdsConnField(f.Type(), pkg, depth+1) {
			return true
		}
	}
	return false
}

// sigHasConnLike reports whether sig has a conn-like receiver or
// parameter: the function gets a Summary.
func sigHasConnLike(sig *types.Signature) bool {
	if r := sig.Recv(); r != nil && IsConnLike(r.Type()) {
		return true
	}
	for v := range sig.Params().Variables() {
		if IsConnLike(v.Type()) {
			return true
		}
	}
	return false
}

// IsTestFile reports whether name is a _test.go file.
func IsTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }
