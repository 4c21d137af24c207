package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// SSA is built only where connections are. A function is worth building
// when its signature has a conn-like parameter (it may be a helper that
// other code calls with a conn, so it needs a summary) or when its body
// mentions a connection, a linger struct, a listener, a dialer or a
// hijacker. Every other function keeps its declaration but loses its
// body, so go/ssa treats it as external and spends nothing on it; a
// package with no such function builds no SSA at all. See docs/design.md.

// selection is the outcome of the cheap pre-pass over types and syntax.
type selection struct {
	decls    map[*ast.FuncDecl]bool // functions to build
	initKeep func(ast.Expr) bool    // package-level initializers to build
	empty    bool                   // nothing in the package touches a conn
}

func selectFuncs(pass *analysis.Pass) *selection {
	type span struct {
		pos, end token.Pos
		decl     *ast.FuncDecl
	}
	var decls []span
	sel := &selection{decls: map[*ast.FuncDecl]bool{}}
	for _, f := range pass.Files {
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
	var initPos []token.Pos // conn mentions outside any function
	for expr, tv := range pass.TypesInfo.Types {
		if !mentionsConn(tv.Type) {
			continue
		}
		p := expr.Pos()
		i := sort.Search(len(decls), func(i int) bool { return decls[i].end > p })
		if i < len(decls) && decls[i].pos <= p {
			sel.decls[decls[i].decl] = true
		} else {
			initPos = append(initPos, p)
		}
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
	return sel
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
	return false
}

// buildSSA builds SSA for the selected functions of the package and
// returns them with their closures, in source order.
func buildSSA(pass *analysis.Pass, sel *selection) []*ssa.Function {
	prog := ssa.NewProgram(pass.Fset, ssa.BuilderMode(0))
	prog.SetNoReturn(isNoReturn)
	// Like buildssa: direct imports only; go/ssa needs no more.
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}

	// Trim: keep declarations, drop bodies that do not touch a conn.
	files := make([]*ast.File, len(pass.Files))
	for i, f := range pass.Files {
		cp := *f
		cp.Decls = make([]ast.Decl, len(f.Decls))
		for j, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && !sel.decls[fd] {
				trimmed := *fd
				trimmed.Body = nil
				d = &trimmed
			}
			cp.Decls[j] = d
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
			if !ok || fd.Body == nil {
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
