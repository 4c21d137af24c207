package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// SSA is built only where connections are. A function is worth building
// when its signature has a conn-like parameter (it may be a helper that
// other code calls with a conn, so it needs a summary) or a conn result
// (it may make in-memory conns, an InMemory fact), or when its body
// mentions a connection, a linger struct, a listener, a dialer or a
// hijacker. Every other function keeps its declaration but loses its
// body, so go/ssa treats it as external and spends nothing on it; a
// package with no such function builds no SSA at all. See docs/design.md.

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

func selectFuncs(pass *analysis.Pass) *selection {
	type span struct {
		pos, end token.Pos
		decl     *ast.FuncDecl
	}
	var decls []span
	sel := &selection{decls: map[*ast.FuncDecl]bool{}}
	for _, f := range pass.Files {
		if !Tests && IsTestFile(pass.Fset.File(f.Pos()).Name()) {
			continue // not analyzed: its functions are left out of the SSA program
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			decls = append(decls, span{fd.Pos(), fd.End(), fd})
			if sigIsConnLike(pass.TypesInfo, fd) {
				sel.decls[fd] = true
			}
		}
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].pos < decls[j].pos })
	// declAt returns the function declaration around p, or nil.
	declAt := func(p token.Pos) *ast.FuncDecl {
		i := sort.Search(len(decls), func(i int) bool { return decls[i].end > p })
		if i < len(decls) && decls[i].pos <= p {
			return decls[i].decl
		}
		return nil
	}
	var initPos []token.Pos // conn mentions outside any function
	memo := map[types.Type]bool{}
	testFiles := map[*token.File]bool{}
	// mention selects the function around p, or keeps the package-level
	// initializer around it.
	mention := func(p token.Pos) {
		if !Tests && inTestFile(pass.Fset, p, testFiles) {
			return
		}
		if d := declAt(p); d != nil {
			sel.decls[d] = true
		} else {
			initPos = append(initPos, p)
		}
	}
	// A conn, listener, dialer or hijacker type can only appear in a
	// package that imports net (directly or not); a linger struct only
	// where syscall or x/sys/unix is imported. Elsewhere the walk over
	// every expression's type is skipped.
	types_ := pass.TypesInfo.Types
	if !mayMentionConns(pass.Pkg) {
		types_ = nil
	}
	for expr, tv := range types_ {
		m, ok := memo[tv.Type]
		if !ok {
			m = mentionsConn(tv.Type)
			memo[tv.Type] = m
		}
		if !m {
			continue
		}
		mention(expr.Pos())
	}
	// SetLinger is judged at the call whatever the receiver's type (a type
	// parameter, a named interface): functions that call it are built.
	for se, selection := range pass.TypesInfo.Selections {
		if selection.Obj().Name() != "SetLinger" {
			continue
		}
		mention(se.Pos())
	}
	sel.initKeep = func(e ast.Expr) bool {
		for _, p := range initPos {
			if e.Pos() <= p && p < e.End() {
				return true
			}
		}
		return false
	}
	sel.empty = len(sel.decls) == 0 && len(initPos) == 0
	if sel.empty {
		return sel
	}
	// What does the code to build refer to?
	var initSpans [][2]token.Pos
	for _, init := range pass.TypesInfo.InitOrder {
		if sel.initKeep(init.Rhs) {
			initSpans = append(initSpans, [2]token.Pos{init.Rhs.Pos(), init.Rhs.End()})
		}
	}
	kept := func(p token.Pos) bool {
		if d := declAt(p); d != nil {
			return sel.decls[d]
		}
		for _, sp := range initSpans {
			if sp[0] <= p && p < sp[1] {
				return true
			}
		}
		return false
	}
	sel.declare = map[types.Object]bool{}
	sel.imports = map[*types.Package]bool{}
	for id, obj := range pass.TypesInfo.Uses {
		pkg := obj.Pkg()
		if pkg == nil || !kept(id.Pos()) {
			continue
		}
		if pkg == pass.Pkg {
			if fn, ok := obj.(*types.Func); ok {
				sel.declare[fn.Origin()] = true
			}
		} else if obj.Parent() == pkg.Scope() {
			sel.imports[pkg] = true
		}
	}
	return sel
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

func sigIsConnLike(info *types.Info, fd *ast.FuncDecl) bool {
	obj, ok := info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	sig := obj.Type().(*types.Signature)
	if r := sig.Recv(); r != nil && IsConnLike(r.Type()) {
		return true
	}
	for v := range sig.Params().Variables() {
		if IsConnLike(v.Type()) {
			return true
		}
	}
	// A conn result: the function may be an in-memory producer
	// (inmemory.go), whose returns must be seen even when its body only
	// mentions the concrete type it converts (return &pipe{}, nil).
	return len(connResults(sig)) > 0
}

// SSA packages are shared. Passes of one load (one token.FileSet: one
// run of a driver over a package graph) build into a shared ssa.Program,
// so that an imported package gets its SSA members once per program,
// rather than once for every package that imports it: creating them was
// most of what connflow allocated (docs/performance.md). A package's own
// pass creates it, with the selected functions built and its other
// functions declared; an importer creates, as members from type
// information only, the imports that the program does not hold yet.
// go/ssa allows no concurrent package creation while a package is being
// built, so creating and building are serialized; the models, the bulk
// of the work, are built outside the lock from SSA that no longer
// changes.
//
// A program serves at most MaxShare packages, if MaxShare > 0; then a
// fresh one takes its place. Results point into their program. The
// standalone checker keeps every result to the end of the run anyway, so
// there one program serves all (MaxShare 0: no limit). A driver that
// frees each package's results once its analysis is done (golangci-lint)
// can free a program only when every package it served is done, so there
// one program for the whole run would keep all their SSA alive to the
// end; the golangci-lint plugin sets MaxShare (analyzer/plugin.go).
var shared struct {
	sync.Mutex
	progs map[*token.FileSet]*sharedProg
}

type sharedProg struct {
	prog   *ssa.Program
	served int
}

// MaxShare is how many packages one SSA program serves (0: no limit).
// Measured on caddy (docs/performance.md): under golangci-lint 16 keeps
// peak RSS at the SSA floor's, and no limit costs 1.28× of it; in the
// standalone checker no limit is the fastest and smallest (16: +4% wall,
// +6% RSS).
var MaxShare = 0

// program returns the program pass builds into: the load's shared
// program, or a new one when the shared one is full (which the new one
// replaces) or already holds pass.Pkg (the package is analyzed a second
// time, as a test of the fast path does). shared must be locked.
func program(pass *analysis.Pass) *ssa.Program {
	sp := shared.progs[pass.Fset]
	full := sp != nil && MaxShare > 0 && sp.served >= MaxShare
	if sp != nil && !full && sp.prog.Package(pass.Pkg) == nil {
		sp.served++
		return sp.prog
	}
	// BareInits: the package initializer does not call its imports' inits,
	// so only the imports the built code refers to need SSA packages.
	fresh := ssa.NewProgram(pass.Fset, ssa.BareInits)
	fresh.SetNoReturn(isNoReturn)
	if sp == nil || full {
		if shared.progs == nil {
			shared.progs = map[*token.FileSet]*sharedProg{}
		}
		shared.progs[pass.Fset] = &sharedProg{prog: fresh, served: 1}
	}
	return fresh
}

// buildSSA builds SSA for the selected functions of the package and
// returns them with their closures, in source order.
func buildSSA(pass *analysis.Pass, sel *selection) []*ssa.Function {
	shared.Lock()
	defer shared.Unlock()
	prog := program(pass)
	// Like buildssa, direct imports only, and of those only the ones the
	// code to build refers to: go/ssa needs no more.
	for _, p := range pass.Pkg.Imports() {
		if sel.imports[p] && prog.Package(p) == nil {
			prog.CreatePackage(p, nil, nil, true)
		}
	}

	// Trim: build the selected functions; declare, without a body, the
	// other functions they refer to; leave out the rest. (Methods left out
	// are created on demand by go/ssa from their types.)
	files := make([]*ast.File, len(pass.Files))
	for i, f := range pass.Files {
		cp := *f
		cp.Decls = nil
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && !sel.decls[fd] {
				// Declared: the functions the built code refers to, and
				// the exported ones, which importers sharing the
				// program may call. Methods are made on demand.
				if obj := pass.TypesInfo.Defs[fd.Name]; !sel.declare[obj] && (fd.Recv != nil || !fd.Name.IsExported()) {
					continue
				}
				trimmed := *fd
				trimmed.Body = nil
				d = &trimmed
			}
			cp.Decls = append(cp.Decls, d)
		}
		files[i] = &cp
	}
	info := *pass.TypesInfo
	info.InitOrder = nil
	for _, init := range pass.TypesInfo.InitOrder {
		if sel.initKeep(init.Rhs) {
			info.InitOrder = append(info.InitOrder, init)
		}
	}
	pkg := prog.CreatePackage(pass.Pkg, files, &info, false)
	pkg.Build()

	var funcs []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || !sel.decls[fd] {
				continue
			}
			if obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
				if fn := prog.FuncValue(obj); fn != nil {
					add(fn)
				}
			}
		}
	}
	if init := pkg.Func("init"); init != nil && len(info.InitOrder) > 0 {
		add(init)
	}
	return funcs
}

// isNoReturn knows the standard functions that never return, so that
// paths through log.Fatal or os.Exit do not reach a Close.
func isNoReturn(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "log.Panicf", "log.Panicln",
		"runtime.Goexit":
		return true
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		switch fn.Name() {
		case "Fatal", "Fatalf", "FailNow", "SkipNow", "Skip", "Skipf":
			return namedIs(sig.Recv().Type(), "testing", "common") || namedIs(sig.Recv().Type(), "testing", "T") ||
				namedIs(sig.Recv().Type(), "testing", "B") || namedIs(sig.Recv().Type(), "log", "Logger") && fn.Name() != "Skip"
		}
	}
	return false
}
