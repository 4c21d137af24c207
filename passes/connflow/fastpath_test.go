package connflow_test

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/unreadclose"
)

// The fast path (build.go) builds SSA only for the functions that touch
// a connection. These tests prove that it loses nothing: every analyzer
// of the suite reports exactly the same diagnostics (positions, messages,
// related positions, suggested fixes), the same errors, and connflow
// exports the same facts, whether connflow builds SSA selectively or for
// every function of every package.
//
// The full run needs no hook in connflow. selectFuncs selects a function
// when its body holds an expression whose type is a connection (it reads
// that from TypesInfo.Types), and a package-level initializer likewise.
// fullSSA wraps connflow's Run so that it sees a copy of TypesInfo with
// one more entry per function body and per initializer: a synthetic
// expression, inside it, whose type is interface{ CloseWrite() error },
// which IsConn takes for a connection. The synthetic expressions are in
// no syntax tree, so go/ssa never meets them; they only make selectFuncs
// select everything, and the rest of connflow runs as usual.

// fullSSA makes connflow build SSA for every function of the packages
// that full accepts (all of them, if it is nil) until the returned
// function is called.
func fullSSA(full func(*analysis.Pass) bool) (restore func()) {
	orig := connflow.Analyzer.Run
	connflow.Analyzer.Run = func(pass *analysis.Pass) (any, error) {
		if full == nil || full(pass) {
			pass = selectAll(pass)
		}
		return orig(pass)
	}
	return func() { connflow.Analyzer.Run = orig }
}

// closeWriter is an anonymous interface{ CloseWrite() error }: a conn to IsConn.
var closeWriter = types.NewInterfaceType([]*types.Func{
	types.NewFunc(token.NoPos, nil, "CloseWrite", types.NewSignatureType(nil, nil, nil, nil,
		types.NewTuple(types.NewVar(token.NoPos, nil, "", types.Universe.Lookup("error").Type())), false)),
}, nil).Complete()

// selectAll returns a copy of pass whose TypesInfo mentions a connection
// in every function body and package-level initializer.
func selectAll(pass *analysis.Pass) *analysis.Pass {
	if !connflow.IsConn(closeWriter) {
		panic("interface{ CloseWrite() error } is not a conn: fix the test's full run")
	}
	info := *pass.TypesInfo
	info.Types = maps.Clone(pass.TypesInfo.Types)
	mention := func(p token.Pos) {
		info.Types[&ast.Ident{NamePos: p, Name: "_"}] = types.TypeAndValue{Type: closeWriter}
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				mention(fd.Body.Lbrace)
			}
		}
	}
	for _, init := range pass.TypesInfo.InitOrder {
		mention(init.Rhs.Pos())
	}
	cp := *pass
	cp.TypesInfo = &info
	return &cp
}

// outcome is everything a run of the suite produces, one line per item,
// sorted and without duplicates (a package and its test variant report
// the same diagnostic once).
type outcome struct {
	diags, errs, facts []string
	pkgs, funcs        int // packages analyzed; functions connflow modelled (roots)
}

func analyze(t testing.TB, pkgs []*packages.Package) outcome {
	t.Helper()
	graph, err := checker.Analyze(analyzer.Analyzers(), pkgs, &checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return outcomeOf(graph)
}

// outcomeOf collects the outcome of an analysis.
func outcomeOf(graph *checker.Graph) outcome {
	var o outcome
	diags, errs, facts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	seen := map[*packages.Package]bool{}
	for act := range graph.All() {
		fset := act.Package.Fset
		pos := func(p token.Pos) string { return fset.Position(p).String() }
		if act.Err != nil {
			errs[fmt.Sprintf("%s %s: %v", act.Analyzer.Name, act.Package.ID, firstLine(act.Err.Error()))] = true
		}
		if act.Analyzer == connflow.Analyzer {
			if !seen[act.Package] {
				seen[act.Package] = true
				o.pkgs++
			}
			if r, ok := act.Result.(*connflow.Result); ok && act.IsRoot {
				o.funcs += len(r.Funcs)
			}
			for _, f := range act.AllObjectFacts() {
				if f.Object.Pkg() == act.Package.Types {
					facts[fmt.Sprintf("%s %s: %v", act.Package.ID, f.Object, f.Fact)] = true
				}
			}
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			var b strings.Builder
			fmt.Fprintf(&b, "%s: %s-%s [%s] %s", act.Analyzer.Name, pos(d.Pos), pos(d.End), d.Category, d.Message)
			for _, r := range d.Related {
				fmt.Fprintf(&b, "\n\trelated %s-%s %s", pos(r.Pos), pos(r.End), r.Message)
			}
			for _, fix := range d.SuggestedFixes {
				fmt.Fprintf(&b, "\n\tfix %q", fix.Message)
				for _, e := range fix.TextEdits {
					fmt.Fprintf(&b, "\n\t\t%s-%s %q", pos(e.Pos), pos(e.End), e.NewText)
				}
			}
			diags[b.String()] = true
		}
	}
	o.diags = slices.Sorted(maps.Keys(diags))
	o.errs = slices.Sorted(maps.Keys(errs))
	o.facts = slices.Sorted(maps.Keys(facts))
	return o
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n") // a recovered panic carries its stack
	return s
}

// same reports the lines of want missing from got and the extra ones.
func same(t testing.TB, what string, fast, full []string) {
	t.Helper()
	in := func(s []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	f, a := in(fast), in(full)
	var bad []string
	for _, x := range full {
		if !f[x] {
			bad = append(bad, "only in the full run:      "+x)
		}
	}
	for _, x := range fast {
		if !a[x] {
			bad = append(bad, "only in the selective run: "+x)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		if len(bad) > 40 {
			bad = append(bad[:40], fmt.Sprintf("... and %d more", len(bad)-40))
		}
		t.Errorf("%s differ between the selective and the full SSA build (%d only in the selective run, %d in the full run):\n%s",
			what, len(fast)-countIn(fast, a), len(full)-countIn(full, f), strings.Join(bad, "\n"))
	}
}

func countIn(s []string, m map[string]bool) int {
	n := 0
	for _, x := range s {
		if m[x] {
			n++
		}
	}
	return n
}

// compare runs the suite over pkgs selectively and fully (for the
// packages that which accepts) and compares.
func compare(t testing.TB, pkgs []*packages.Package, which func(*analysis.Pass) bool) (fast, full outcome) {
	t.Helper()
	// Each analysis as a fresh run, building into shared SSA programs
	// (build.go); the full run gets programs of its own for the packages
	// the fast run already built (as any second analysis of a package in
	// one load does), so the comparison also covers that path.
	connflow.ForgetPrograms()
	fast = analyze(t, pkgs)
	restore := fullSSA(which)
	full = analyze(t, pkgs)
	restore()
	same(t, "diagnostics", fast.diags, full.diags)
	same(t, "analysis errors", fast.errs, full.errs)
	same(t, "connflow facts", fast.facts, full.facts)
	if full.funcs < fast.funcs {
		t.Errorf("the full build modelled %d functions with connections, fewer than the selective build's %d", full.funcs, fast.funcs)
	}
	return fast, full
}

// loadTestdata loads every package of every testdata tree of the
// repository's analyzers (GOPATH layout, as analysistest does), test
// files included.
func loadTestdata(t testing.TB) [][]*packages.Package {
	t.Helper()
	roots, err := filepath.Glob("../*/testdata")
	if err != nil {
		t.Fatal(err)
	}
	var trees [][]*packages.Package
	for _, root := range roots {
		root, _ = filepath.Abs(root)
		if _, err := os.Stat(filepath.Join(root, "src")); err != nil {
			continue
		}
		cfg := &packages.Config{
			Mode:  packages.LoadAllSyntax,
			Dir:   filepath.Join(root, "src"),
			Tests: true,
			Env:   append(os.Environ(), "GOPATH="+root, "GO111MODULE=off", "GOWORK=off", "GOPROXY=off", "GOFLAGS="),
		}
		pkgs, err := packages.Load(cfg, "./...")
		if err != nil {
			t.Fatalf("%s: %v", root, err)
		}
		if n := packages.PrintErrors(pkgs); n > 0 {
			t.Fatalf("%s: %d load errors", root, n)
		}
		trees = append(trees, pkgs)
	}
	if len(trees) < 5 {
		t.Fatalf("found %d testdata trees under passes/, want the rules' and connflow's", len(trees))
	}
	return trees
}

// TestFastPathTestdata: on every analyzer's testdata, with the default
// flags and with the optional checks on (test files analyzed, framed
// replies reported), the selective SSA build and the full one give the
// same diagnostics, errors and facts.
func TestFastPathTestdata(t *testing.T) {
	trees := loadTestdata(t)
	for _, cfg := range []struct {
		name  string
		flags map[*analysis.Analyzer][2]string
		tests bool
	}{
		{name: "defaults"},
		{name: "tests+framed", tests: true, flags: map[*analysis.Analyzer][2]string{unreadclose.Analyzer: {"framed", "true"}}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			defer setTests(cfg.tests)()
			for a, kv := range cfg.flags {
				old := a.Flags.Lookup(kv[0]).Value.String()
				if err := a.Flags.Set(kv[0], kv[1]); err != nil {
					t.Fatal(err)
				}
				defer a.Flags.Set(kv[0], old)
			}
			var ndiags, nfacts int
			for _, pkgs := range trees {
				fast, _ := compare(t, pkgs, inTestdata)
				ndiags += len(fast.diags)
				nfacts += len(fast.facts)
			}
			// Not vacuous: the testdata is full of findings and helpers.
			if ndiags < 50 || nfacts < 10 {
				t.Errorf("only %d diagnostics and %d facts compared: is the testdata loaded?", ndiags, nfacts)
			}
			t.Logf("%d diagnostics and %d facts identical over %d testdata trees", ndiags, nfacts, len(trees))
		})
	}
}

// inTestdata accepts the testdata packages. Their standard-library
// dependencies are analyzed selectively in both runs: building all of
// their functions is TestFastPathStd's job (and would make this test take
// minutes).
func inTestdata(pass *analysis.Pass) bool {
	return len(pass.Files) > 0 && strings.Contains(filepath.ToSlash(pass.Fset.File(pass.Files[0].Pos()).Name()), "/testdata/src/")
}

// setTests sets -connflow.tests on the default suite's connflow and
// returns the function that restores it.
func setTests(on bool) func() {
	f := connflow.Analyzer.Flags.Lookup("tests")
	old := f.Value.String()
	f.Value.Set(fmt.Sprint(on))
	return func() { f.Value.Set(old) }
}

// loadStd loads packages of the standard library without test files, as
// the standalone driver does by default.
func loadStd(t testing.TB, patterns ...string) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode:  packages.LoadAllSyntax,
		Tests: false,
		Dir:   t.TempDir(),
		Env:   append(os.Environ(), "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		t.Fatalf("%d load errors", n)
	}
	return pkgs
}

// TestFastPathStd: the same on the whole standard library. It analyzes
// std twice, the second time building SSA for every function of every
// package (like buildssa with a fact): on 2 cores, tens of seconds and
// 2.5 GB; -short skips it.
func TestFastPathStd(t *testing.T) {
	if testing.Short() {
		t.Skip("analyzes std twice; skipped with -short")
	}
	pkgs := loadStd(t, "std")
	fast, full := compare(t, pkgs, nil)
	if len(fast.facts) < 100 {
		t.Errorf("only %d connflow facts on std: did connflow run?", len(fast.facts))
	}
	t.Logf("std: %d packages; %d diagnostics, %d errors and %d facts identical; functions with connections modelled: %d selective, %d full",
		fast.pkgs, len(fast.diags), len(fast.errs), len(fast.facts), fast.funcs, full.funcs)
}

// BenchmarkConnflow measures connflow alone (with the checker, on net/http
// and its dependencies from source) with the selective SSA build and with
// SSA for every function: what the fast path saves. The whole-process
// comparison with the floors is scripts/bench/run.sh (docs/performance.md).
//
//	go test -run '^$' -bench Connflow -benchmem ./passes/connflow
func BenchmarkConnflow(b *testing.B) {
	pkgs := loadStd(b, "net/http")
	for _, mode := range []string{"selective", "full"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "full" {
				defer fullSSA(nil)()
			}
			for b.Loop() {
				connflow.ForgetPrograms() // each iteration as a fresh run
				if _, err := checker.Analyze([]*analysis.Analyzer{connflow.Analyzer}, pkgs, &checker.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestShareLimit: how many packages share an SSA program
// (connflow.MaxShare: no limit standalone, 16 under golangci-lint) changes
// nothing that is reported or exported. With a limit of 1 every package
// gets a program of its own, and the imports it refers to are created
// again in each.
func TestShareLimit(t *testing.T) {
	defer connflow.SetMaxShare(0)()
	trees := loadTestdata(t)
	if !testing.Short() {
		trees = append(trees, loadStd(t, "net/http", "net/smtp", "crypto/tls"))
	}
	var n int
	for _, pkgs := range trees {
		connflow.SetMaxShare(0)
		connflow.ForgetPrograms()
		shared := analyze(t, pkgs)
		connflow.SetMaxShare(1)
		connflow.ForgetPrograms()
		own := analyze(t, pkgs)
		same(t, "diagnostics", shared.diags, own.diags)
		same(t, "analysis errors", shared.errs, own.errs)
		same(t, "connflow facts", shared.facts, own.facts)
		n += len(shared.diags) + len(shared.facts)
	}
	if n < 100 {
		t.Errorf("only %d diagnostics and facts compared: is the testdata loaded?", n)
	}
}
