package main

// Validation of -writeclose.helper, whose value the suggested fix writes
// into the code: import "PATH" and a call PKG.Func(conn).

import (
	"context"
	"fmt"
	"go/token"
	"go/types"
	"os/exec"
	"path"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
)

// helperFlag returns the value of -writeclose.helper ("" when unset).
func helperFlag() string {
	for _, a := range analyzer.Analyzers() {
		if a.Name == "writeclose" {
			if f := a.Flags.Lookup("helper"); f != nil {
				return f.Value.String()
			}
		}
	}
	return ""
}

// validateHelper checks a -writeclose.helper value and returns what is
// wrong with it, in one line, or "". The value must be IMPORTPATH.Func:
// a valid import path of a package that the go command can load from the
// current directory, that is not a main package, that an importer in
// this module may import (internal/), and whose name is the last element
// of its path (the fix writes PKG.Func with that name); Func must be an
// exported function of it with the signature func(net.Conn) error, which
// the fix calls with the conn.
func validateHelper(ctx context.Context, value string) string {
	if value == "" {
		return ""
	}
	bad := func(format string, args ...any) string {
		return fmt.Sprintf("-writeclose.helper=%s: ", value) + fmt.Sprintf(format, args...)
	}
	i := strings.LastIndex(value, ".")
	if i <= 0 || i == len(value)-1 {
		return bad("want IMPORTPATH.Func, e.g. example.com/netx.CloseGracefully")
	}
	pkgPath, name := value[:i], value[i+1:]
	if err := module.CheckImportPath(pkgPath); err != nil {
		return bad("%q is not an import path: %v", pkgPath, err)
	}
	if !token.IsIdentifier(name) || !token.IsExported(name) {
		return bad("%s is not an exported function name", name)
	}
	if parent, ok := internalParent(pkgPath); ok {
		if gocmd, err := exec.LookPath("go"); err == nil {
			if mod, err := goOutput(ctx, gocmd, "list", "-m", "-f", "{{.Path}}"); err == nil {
				if mod = strings.TrimSpace(mod); mod != parent && !strings.HasPrefix(mod, parent+"/") {
					return bad("%s is internal to %s: module %s cannot import it", pkgPath, parent, mod)
				}
			}
		}
	}
	pkgs, err := packages.Load(&packages.Config{
		Context: ctx,
		Mode:    packages.NeedName | packages.NeedTypes,
	}, pkgPath)
	if err != nil {
		return bad("cannot load %s: %s", pkgPath, goListError(err))
	}
	if len(pkgs) != 1 {
		return bad("%s matches %d packages, want one", pkgPath, len(pkgs))
	}
	pkg := pkgs[0]
	if len(pkg.Errors) > 0 {
		msg, _, _ := strings.Cut(strings.TrimPrefix(pkg.Errors[0].Msg, "go: "), "\n")
		return bad("cannot load %s: %s", pkgPath, strings.TrimSuffix(msg, "; to add it:"))
	}
	switch last := path.Base(pkgPath); {
	case pkg.Name == "main":
		return bad("%s is a main package, which cannot be imported", pkgPath)
	case pkg.Name != last:
		return bad("package %s is named %s, but the fix refers to it as %s", pkgPath, pkg.Name, last)
	}
	obj := pkg.Types.Scope().Lookup(name)
	if obj == nil {
		return bad("package %s has no %s", pkgPath, name)
	}
	fn, ok := obj.(*types.Func)
	if !ok {
		return bad("%s.%s is not a function", pkg.Name, name)
	}
	sig := fn.Signature()
	if !helperSignature(sig) {
		return bad("%s.%s is %s, the fix needs func(net.Conn) error", pkg.Name, name,
			types.TypeString(sig, types.RelativeTo(pkg.Types)))
	}
	return ""
}

// helperSignature reports whether sig is func(net.Conn) error.
func helperSignature(sig *types.Signature) bool {
	if sig.TypeParams().Len() > 0 || sig.Variadic() || sig.Params().Len() != 1 || sig.Results().Len() != 1 {
		return false
	}
	param, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named)
	if !ok || param.Obj().Pkg() == nil || param.Obj().Pkg().Path() != "net" || param.Obj().Name() != "Conn" {
		return false
	}
	return types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

// internalParent returns the path that may import a package path with an
// "internal" element: what comes before the last such element.
func internalParent(p string) (string, bool) {
	elems := strings.Split(p, "/")
	for i := len(elems) - 1; i >= 0; i-- {
		if elems[i] == "internal" {
			return strings.Join(elems[:i], "/"), true
		}
	}
	return "", false
}
