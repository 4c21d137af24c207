package analyzer_test

// The whole suite through a minimal driver: a Pass with only the fields
// every driver must set. rules_go's nogo leaves Pass.ReadFile nil (every
// version read, up to v0.65.0), and Module, OtherFiles, IgnoredFiles,
// TypeErrors and TypesSizes are optional too; a rule that calls one of
// them unchecked crashes as soon as it has something to report.

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
)

// TestMinimalPass runs analyzer.Analyzers() over testdata/demo (a finding
// and a fix for every rule, a stale directive) and testdata/e2e (findings
// that need another package's facts) with a Pass whose optional fields
// are unset, and requires the same diagnostics and suggested fixes as the
// x/tools checker, which sets them all.
func TestMinimalPass(t *testing.T) {
	for _, dir := range []string{"demo", "e2e"} {
		t.Run(dir, func(t *testing.T) {
			cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: filepath.Join("..", "testdata", dir), Tests: false}
			pkgs, err := packages.Load(cfg, "./...")
			if err != nil {
				t.Fatal(err)
			}
			if packages.PrintErrors(pkgs) > 0 {
				t.Fatal("testdata does not load")
			}
			want := checkerDiagnostics(t, pkgs)
			got := minimalDiagnostics(t, pkgs)
			if len(want) == 0 {
				t.Fatal("the checker reports nothing on testdata/" + dir)
			}
			fixes := 0
			for _, d := range want {
				fixes += strings.Count(d, "\n\tfix ")
			}
			if fixes == 0 {
				t.Fatal("no suggested fix on testdata/" + dir + ": the fix code that reads files is not exercised")
			}
			if !slices.Equal(got, want) {
				t.Errorf("with optional Pass fields unset:\n%s\nwith the x/tools checker:\n%s",
					strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			t.Logf("%d diagnostics with %d suggested fixes, identical", len(got), fixes)
		})
	}
}

// checkerDiagnostics runs the suite with the x/tools checker.
func checkerDiagnostics(t *testing.T, pkgs []*packages.Package) []string {
	g, err := checker.Analyze(analyzer.Analyzers(), pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for act := range g.All() {
		if !act.IsRoot {
			continue
		}
		if act.Err != nil {
			t.Fatalf("checker: %s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			out = append(out, describe(act.Package.Fset, act.Analyzer, d))
		}
	}
	slices.Sort(out)
	return out
}

// minimalDiagnostics runs the suite as a minimal driver does: packages in
// dependency order, every analyzer that has facts (or is required by one
// that has) on every package, the others on the root packages only, with
// a Pass that sets Analyzer, Fset, Files, Pkg, TypesInfo, ResultOf,
// Report and the fact functions, and nothing else.
func minimalDiagnostics(t *testing.T, roots []*packages.Package) []string {
	type objKey struct {
		obj types.Object
		t   reflect.Type
	}
	type pkgKey struct {
		pkg *types.Package
		t   reflect.Type
	}
	objFacts := map[objKey]analysis.Fact{}
	pkgFacts := map[pkgKey]analysis.Fact{}
	isRoot := map[*packages.Package]bool{}
	for _, p := range roots {
		isRoot[p] = true
	}
	order := topo(analyzer.Analyzers())
	needsFacts := map[*analysis.Analyzer]bool{}
	for _, a := range slices.Backward(order) {
		if len(a.FactTypes) > 0 || needsFacts[a] {
			needsFacts[a] = true
			for _, r := range a.Requires {
				needsFacts[r] = true
			}
		}
	}
	var out []string
	packages.Visit(roots, nil, func(p *packages.Package) {
		if t.Failed() {
			return
		}
		results := map[*analysis.Analyzer]any{}
		for _, a := range order {
			if !isRoot[p] && !needsFacts[a] {
				continue
			}
			resultOf := map[*analysis.Analyzer]any{}
			for _, r := range a.Requires {
				resultOf[r] = results[r]
			}
			pass := &analysis.Pass{
				Analyzer:  a,
				Fset:      p.Fset,
				Files:     p.Syntax,
				Pkg:       p.Types,
				TypesInfo: p.TypesInfo,
				ResultOf:  resultOf,
				Report: func(d analysis.Diagnostic) {
					if isRoot[p] {
						out = append(out, describe(p.Fset, a, d))
					}
				},
				ImportObjectFact: func(obj types.Object, f analysis.Fact) bool {
					got, ok := objFacts[objKey{obj, reflect.TypeOf(f)}]
					if ok {
						reflect.ValueOf(f).Elem().Set(reflect.ValueOf(got).Elem())
					}
					return ok
				},
				ExportObjectFact: func(obj types.Object, f analysis.Fact) {
					objFacts[objKey{obj, reflect.TypeOf(f)}] = f
				},
				ImportPackageFact: func(pkg *types.Package, f analysis.Fact) bool {
					got, ok := pkgFacts[pkgKey{pkg, reflect.TypeOf(f)}]
					if ok {
						reflect.ValueOf(f).Elem().Set(reflect.ValueOf(got).Elem())
					}
					return ok
				},
				ExportPackageFact: func(f analysis.Fact) {
					pkgFacts[pkgKey{p.Types, reflect.TypeOf(f)}] = f
				},
				AllObjectFacts:  func() []analysis.ObjectFact { return nil },
				AllPackageFacts: func() []analysis.PackageFact { return nil },
			}
			res, err := a.Run(pass)
			if err != nil {
				t.Errorf("%s on %s with a minimal Pass: %v", a.Name, p.PkgPath, err)
				return
			}
			results[a] = res
		}
	})
	slices.Sort(out)
	return out
}

// topo returns the analyzers and their requirements, each after those it
// requires.
func topo(as []*analysis.Analyzer) []*analysis.Analyzer {
	var order []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		order = append(order, a)
	}
	for _, a := range as {
		visit(a)
	}
	return order
}

// describe renders a diagnostic and its fixes (position and new text of
// every edit, in the order of positions: the checker sorts them) as one
// comparable string.
func describe(fset *token.FileSet, a *analysis.Analyzer, d analysis.Diagnostic) string {
	pos := func(p token.Pos) string {
		posn := fset.Position(p)
		return fmt.Sprintf("%s:%d:%d", filepath.Base(posn.Filename), posn.Line, posn.Column)
	}
	s := fmt.Sprintf("%s: %s: %s", pos(d.Pos), a.Name, d.Message)
	for _, f := range d.SuggestedFixes {
		s += "\n\tfix " + f.Message
		edits := slices.SortedFunc(slices.Values(f.TextEdits), func(x, y analysis.TextEdit) int {
			return cmp.Or(cmp.Compare(x.Pos, y.Pos), cmp.Compare(x.End, y.End))
		})
		for _, e := range edits {
			s += fmt.Sprintf("\n\t\t%s-%s %q", pos(e.Pos), pos(e.End), e.NewText)
		}
	}
	return s
}
