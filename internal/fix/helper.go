package fix

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/teardownlint/teardown/internal/lint"
)

// helperCall returns the call of a graceful-close helper ("IMPORTPATH.Func",
// -writeclose.helper) on the connection at site, written as the file at
// site must spell it, and the import it needs ("" if none). ok is false
// when the fix could not be shown to build with it; the finding then comes
// without a fix. The helper must be
//
//   - an exported, non-generic function of a package that this package is
//     itself or imports (directly or through its dependencies), which is
//     not a main package and whose internal/ path allows the import;
//   - of the signature func(T) error, with the connection assignable to T;
//   - not the function being fixed (the fix would make it recurse);
//   - nameable in the file: already imported under a usable name, or its
//     package name free at the site.
func helperCall(p *lint.Pass, helper string, site *CloseSite) (call, imp string, ok bool) {
	path, name := splitHelper(helper)
	if path == "" || !token.IsIdentifier(name) || !token.IsExported(name) {
		return "", "", false
	}
	pkg := importedPackage(p.Pkg, path)
	if pkg == nil || pkg != p.Pkg && (pkg.Name() == "main" || !internalAllowed(p.Pkg.Path(), path)) {
		return "", "", false
	}
	fn, ok := pkg.Scope().Lookup(name).(*types.Func)
	if !ok || !helperSignature(fn, site.Type) || enclosingFunc(p, site.Call.Pos()) == fn {
		return "", "", false
	}
	x := exprString(p, site.Conn)
	if pkg == p.Pkg {
		if obj := lookupAt(p, name, site.Call.Pos()); obj != fn {
			return "", "", false // shadowed at the site
		}
		return name + "(" + x + ")", "", true
	}
	file := p.File(site.Call.Pos())
	for _, spec := range file.Imports {
		if v, _ := strconv.Unquote(spec.Path.Value); v != path {
			continue
		}
		local := pkg.Name()
		if spec.Name != nil {
			local = spec.Name.Name
		}
		switch local {
		case "_":
			return "", "", false
		case ".":
			return name + "(" + x + ")", "", lookupAt(p, name, site.Call.Pos()) == fn
		}
		pn, isPkg := lookupAt(p, local, site.Call.Pos()).(*types.PkgName)
		return local + "." + name + "(" + x + ")", "", isPkg && pn.Imported() == pkg
	}
	if lookupAt(p, pkg.Name(), site.Call.Pos()) != nil {
		return "", "", false // the package name is taken at the site (an import of the file scope, a declaration)
	}
	return pkg.Name() + "." + name + "(" + x + ")", path, true
}

// importedPackage returns the package with the import path among pkg and
// the packages it imports, directly or not, or nil.
func importedPackage(pkg *types.Package, path string) *types.Package {
	seen := map[*types.Package]bool{}
	var find func(q *types.Package) *types.Package
	find = func(q *types.Package) *types.Package {
		if q.Path() == path {
			return q
		}
		if seen[q] {
			return nil
		}
		seen[q] = true
		for _, imp := range q.Imports() {
			if r := find(imp); r != nil {
				return r
			}
		}
		return nil
	}
	return find(pkg)
}

// internalAllowed reports whether the package importer may import path
// under Go's rule for internal/ directories.
func internalAllowed(importer, path string) bool {
	i := strings.LastIndex("/"+path+"/", "/internal/")
	if i < 0 {
		return true
	}
	parent := path[:max(i-1, 0)]
	return parent == "" || importer == parent || strings.HasPrefix(importer, parent+"/")
}

// helperSignature reports whether fn is func(T) error, not generic, with
// conn (the type of the closed connection) assignable to T.
func helperSignature(fn *types.Func, conn types.Type) bool {
	sig := fn.Signature()
	if sig.Recv() != nil || sig.TypeParams().Len() > 0 || sig.Variadic() ||
		sig.Params().Len() != 1 || sig.Results().Len() != 1 {
		return false
	}
	return types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type()) &&
		types.AssignableTo(conn, sig.Params().At(0).Type())
}

// enclosingFunc returns the declared function containing pos, or nil.
func enclosingFunc(p *lint.Pass, pos token.Pos) *types.Func {
	for _, n := range p.Path(pos, pos) {
		if d, ok := n.(*ast.FuncDecl); ok {
			fn, _ := p.TypesInfo.Defs[d.Name].(*types.Func)
			return fn
		}
	}
	return nil
}

// lookupAt returns the object name denotes at pos, or nil.
func lookupAt(p *lint.Pass, name string, pos token.Pos) types.Object {
	scope := p.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent(name, pos)
	return obj
}
