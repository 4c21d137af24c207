// Package linttest runs a rule's analysistest packages and checks that
// every suggested fix leaves code that type-checks.
package linttest

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// Run runs a with analysistest.RunWithSuggestedFixes on the packages
// under dir/src (checking // want expectations and .golden files), then
// type-checks each package with every .golden file in place of its source.
func Run(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	dir := analysistest.TestData()
	results := analysistest.RunWithSuggestedFixes(t, dir, a, pkgs...)
	unfixable := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if len(d.SuggestedFixes) == 0 {
				unfixable++
			}
		}
	}
	for _, pkg := range pkgs {
		TypeCheckGolden(t, filepath.Join(dir, "src", pkg))
	}
	if again := reanalyzeFixed(t, dir, a, pkgs); len(again) > unfixable {
		t.Errorf("the fixed code is still reported %d times (%d findings had no fix):\n%s",
			len(again), unfixable, strings.Join(again, "\n"))
	}
	return results
}

var wantComment = regexp.MustCompile("// want .*$")

// reanalyzeFixed runs a over a copy of the testdata in which every
// .golden file replaces its source (without its // want comments), and
// returns the diagnostics: fixed code should not be reported again.
func reanalyzeFixed(t *testing.T, dir string, a *analysis.Analyzer, pkgs []string) []string {
	t.Helper()
	tmp := t.TempDir()
	if err := os.CopyFS(tmp, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	any := false
	for _, pkg := range pkgs {
		pdir := filepath.Join(tmp, "src", pkg)
		entries, _ := os.ReadDir(pdir)
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go.golden") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(pdir, name))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(src), "\n")
			for i, l := range lines {
				lines[i] = wantComment.ReplaceAllString(l, "")
			}
			os.WriteFile(filepath.Join(pdir, strings.TrimSuffix(name, ".golden")), []byte(strings.Join(lines, "\n")), 0o644)
			any = true
		}
	}
	if !any {
		return nil
	}
	var r recorder
	analysistest.Run(&r, tmp, a, pkgs...)
	return r.errs
}

type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TypeCheckGolden type-checks the package in dir with each X.go.golden
// replacing X.go. Imports resolve against GOPATH=dir/../.. (the
// analysistest layout) and the standard library.
func TypeCheckGolden(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var goFiles []string
	golden := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".go.golden"):
			golden[strings.TrimSuffix(name, ".golden")] = name
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			goFiles = append(goFiles, name)
		}
	}
	if len(golden) == 0 {
		return
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range goFiles {
		src := name
		if g, ok := golden[name]; ok {
			src = g
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, src), nil, parser.ParseComments)
		if err != nil {
			t.Errorf("fixed code does not parse: %v", err)
			return
		}
		files = append(files, f)
	}
	gopath := filepath.Dir(filepath.Dir(dir))
	noCgoSourceImports.Do(func() { build.Default.CgoEnabled = false })
	conf := types.Config{Importer: &srcImporter{fset: fset, gopath: gopath, std: importer.ForCompiler(fset, "source", nil)}}
	if _, err := conf.Check(files[0].Name.Name, fset, files, nil); err != nil {
		t.Errorf("the suggested fixes leave %s not compiling: %v", dir, err)
	}
}

// noCgoSourceImports turns cgo off in the build context that go/importer's
// source importer reads (it takes no other). With cgo on, importing net or
// os/user from source runs cgo and leaves its object files in $TMPDIR, seven
// per package, on every test run; the pure-Go files type-check the same API.
var noCgoSourceImports sync.Once

// srcImporter imports testdata packages from gopath/src and everything
// else (the standard library) from source.
type srcImporter struct {
	fset   *token.FileSet
	gopath string
	std    types.Importer
	cache  map[string]*types.Package
}

func (im *srcImporter) Import(path string) (*types.Package, error) {
	if p, ok := im.cache[path]; ok {
		return p, nil
	}
	dir := filepath.Join(im.gopath, "src", filepath.FromSlash(path))
	if _, err := os.Stat(dir); err != nil {
		return im.std.Import(path)
	}
	pkgs, err := parser.ParseDir(im.fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, p := range pkgs {
		for _, f := range p.Files {
			files = append(files, f)
		}
	}
	conf := types.Config{Importer: im}
	pkg, err := conf.Check(path, im.fset, files, nil)
	if err != nil {
		return nil, err
	}
	if im.cache == nil {
		im.cache = map[string]*types.Package{}
	}
	im.cache[path] = pkg
	return pkg, nil
}
