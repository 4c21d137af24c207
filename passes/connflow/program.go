package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// This file builds the SSA of the selected functions (select.go) into a
// program shared by the passes of one load.

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
// A program serves at most Config.MaxShare packages, if > 0; then a
// fresh one takes its place. Results point into their program. The
// standalone checker keeps every result to the end of the run anyway, so
// there one program serves all (MaxShare 0: no limit). A driver that
// frees each package's results once its analysis is done (golangci-lint)
// can free a program only when every package it served is done, so there
// one program for the whole run would keep all their SSA alive to the
// end; the golangci-lint plugin sets MaxShare (analyzer/plugin.go).
// (The programs are a cache, not configuration: each pass says how many
// packages its program may serve.)
var shared struct {
	sync.Mutex
	progs map[*token.FileSet]*sharedProg
}

// A sharedProg is a load's current shared program and how many packages
// it has served.
type sharedProg struct {
	prog   *ssa.Program
	served int
}

// program returns the program pass builds into: the load's shared
// program, or a new one when the shared one is full (which the new one
// replaces) or already holds pass.Pkg (the package is analyzed a second
// time, as a test of the fast path does). A program serves at most
// maxShare packages (0: no limit). shared must be locked.
func program(pass *analysis.Pass, maxShare int) *ssa.Program {
	sp := shared.progs[pass.Fset]
	full := sp != nil && maxShare > 0 && sp.served >= maxShare
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

// buildSSA builds SSA for the selected functions of the package into the
// load's shared program (at most maxShare packages a program) and returns
// them with their closures, in source order.
func buildSSA(pass *analysis.Pass, sel *selection, maxShare int) []*ssa.Function {
	shared.Lock()
	defer shared.Unlock()
	prog := program(pass, maxShare)
	// Like buildssa, direct imports only, and of those only the ones the
	// code to build refers to: go/ssa needs no more.
	for _, p := range pass.Pkg.Imports() {
		if sel.imports[p] && prog.Package(p) == nil {
			prog.CreatePackage(p, nil, nil, true)
		}
	}
	files := trimmedFiles(pass, sel)
	info := *pass.TypesInfo
	info.InitOrder = nil
	for _, init := range pass.TypesInfo.InitOrder {
		if sel.initKeep(init.Rhs) {
			info.InitOrder = append(info.InitOrder, init)
		}
	}
	pkg := prog.CreatePackage(pass.Pkg, files, &info, false)
	pkg.Build()
	var init *ssa.Function
	if len(info.InitOrder) > 0 {
		init = pkg.Func("init") // the kept initializers
	}
	return builtFuncs(pass, prog, files, sel, init)
}

// funcValue is prog.FuncValue for the models, which are built outside
// buildSSA's lock: FuncValue reads the program's map of packages, which
// another pass sharing the program may be adding to at that moment (a
// crash on the evaluation corpus: "concurrent map read and map write").
func funcValue(prog *ssa.Program, fn *types.Func) *ssa.Function {
	shared.Lock()
	defer shared.Unlock()
	return prog.FuncValue(fn)
}

// trimmedFiles returns copies of the package's files in which the
// selected functions keep their bodies; the other functions they refer
// to, and the exported ones (which importers sharing the program may
// call), are declared without a body; the rest are left out. (Methods
// left out are created on demand by go/ssa from their types.)
func trimmedFiles(pass *analysis.Pass, sel *selection) []*ast.File {
	files := make([]*ast.File, len(pass.Files))
	for i, f := range pass.Files {
		cp := *f
		cp.Decls = nil
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && !sel.decls[fd] {
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
	return files
}

// builtFuncs returns the built functions of files, then init if not nil,
// each followed by its closures, in source order.
func builtFuncs(pass *analysis.Pass, prog *ssa.Program, files []*ast.File, sel *selection, init *ssa.Function) []*ssa.Function {
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
	if init != nil {
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
