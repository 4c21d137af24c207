package analyzer_test

import (
	"flag"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/suite"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/directives"
	"github.com/teardownlint/teardown/passes/unreadclose"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// build runs the plugin as golangci-lint does: GetPlugin, the constructor
// with the raw settings (what viper decoded from YAML), BuildAnalyzers.
func build(t *testing.T, raw any) ([]*analysis.Analyzer, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin(analyzer.PluginName)
	if err != nil {
		t.Fatalf("the plugin is not registered: %v", err)
	}
	p, err := newPlugin(raw)
	if err != nil {
		return nil, err
	}
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		return nil, err
	}
	if err := analysis.Validate(as); err != nil {
		t.Fatalf("analysis.Validate: %v", err)
	}
	return as, nil
}

func mustBuild(t *testing.T, raw any) []*analysis.Analyzer {
	t.Helper()
	as, err := build(t, raw)
	if err != nil {
		t.Fatalf("plugin with settings %v: %v", raw, err)
	}
	return as
}

func names(as []*analysis.Analyzer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func find(as []*analysis.Analyzer, name string) *analysis.Analyzer {
	for _, a := range as {
		if a.Name == name {
			return a
		}
	}
	return nil
}

func flagValue(t *testing.T, a *analysis.Analyzer, name string) string {
	t.Helper()
	f := a.Flags.Lookup(name)
	if f == nil {
		t.Fatalf("%s has no flag %q", a.Name, name)
	}
	return f.Value.String()
}

func TestDefaults(t *testing.T) {
	for _, raw := range []any{nil, map[string]any{}} {
		as := mustBuild(t, raw)
		want := names(analyzer.Analyzers())
		if got := names(as); !slices.Equal(got, want) {
			t.Errorf("settings %v: analyzers %v, want %v", raw, got, want)
		}
		if v := flagValue(t, find(as, "writeclose"), "helper"); v != "" {
			t.Errorf("default writeclose.helper = %q, want \"\"", v)
		}
		if v := flagValue(t, find(as, "unreadclose"), "framed"); v != "false" {
			t.Errorf("default unreadclose.framed = %q, want false", v)
		}
		if v := flagValue(t, find(as, "connflow"), "tests"); v != "false" {
			t.Errorf("default connflow.tests = %q, want false", v)
		}
	}
	if !slices.Equal(names(analyzer.Rules()), suite.Names()) {
		t.Errorf("analyzer.Rules() = %v, suite.Names() = %v", names(analyzer.Rules()), suite.Names())
	}
}

// TestConnflowFlags: the plugin's connflow is its own (the rules it
// returns require it, not the package-level one), configured by the
// settings; the package-level connflow and a second plugin instance keep
// their defaults.
func TestConnflowFlags(t *testing.T) {
	as := mustBuild(t, map[string]any{"connflow": map[string]any{"tests": true, "maxblocks": 10}})
	cf := find(as, "connflow")
	if cf == connflow.Analyzer {
		t.Fatalf("the plugin returned the package-level connflow analyzer; it must make its own")
	}
	for _, name := range suite.Names() {
		if r := find(as, name); len(r.Requires) != 1 || r.Requires[0] != cf {
			t.Errorf("%s does not require the plugin's connflow", name)
		}
	}
	if v := flagValue(t, cf, "tests"); v != "true" {
		t.Errorf("connflow.tests = %s, want true", v)
	}
	if v := flagValue(t, cf, "maxblocks"); v != "10" {
		t.Errorf("connflow.maxblocks = %s, want 10", v)
	}
	for what, a := range map[string]*analysis.Analyzer{
		"the package-level connflow":      connflow.Analyzer,
		"a plugin instance with defaults": find(mustBuild(t, nil), "connflow"),
	} {
		if v := flagValue(t, a, "tests"); v != "false" {
			t.Errorf("%s: connflow.tests = %s, want the default false", what, v)
		}
		if v := flagValue(t, a, "maxblocks"); v != strconv.Itoa(connflow.MaxBlocks) {
			t.Errorf("%s: connflow.maxblocks = %s, want the default %d", what, v, connflow.MaxBlocks)
		}
	}
	if _, err := build(t, map[string]any{"connflow": map[string]any{"maxblocks": "many"}}); err == nil {
		t.Errorf("maxblocks: many was accepted")
	}
}

// TestSettingsApplyFlags: the settings are the analyzers' own flags, set on
// fresh analyzers, never on the package-level ones.
func TestSettingsApplyFlags(t *testing.T) {
	raw := map[string]any{ // as golangci-lint hands them over: lower-cased keys
		"writeclose":  map[string]any{"helper": "example.com/netx.CloseGracefully"},
		"unreadclose": map[string]any{"framed": true},
	}
	as := mustBuild(t, raw)
	wc, urc := find(as, "writeclose"), find(as, "unreadclose")
	if v := flagValue(t, wc, "helper"); v != "example.com/netx.CloseGracefully" {
		t.Errorf("writeclose.helper = %q", v)
	}
	if v := flagValue(t, urc, "framed"); v != "true" {
		t.Errorf("unreadclose.framed = %q", v)
	}
	if wc == writeclose.Analyzer || urc == unreadclose.Analyzer {
		t.Errorf("the plugin returned a package-level analyzer; it must make fresh ones")
	}
	if v := flagValue(t, writeclose.Analyzer, "helper"); v != "" {
		t.Errorf("the plugin changed the package-level writeclose.helper to %q", v)
	}
	if v := flagValue(t, unreadclose.Analyzer, "framed"); v != "false" {
		t.Errorf("the plugin changed the package-level unreadclose.framed to %q", v)
	}

	// Each BuildAnalyzers call, and each plugin instance, gets its own.
	other := mustBuild(t, nil)
	if find(other, "writeclose") == wc || find(other, "unreadclose") == urc {
		t.Errorf("two plugin instances share a rule analyzer")
	}
	if v := flagValue(t, find(other, "unreadclose"), "framed"); v != "false" {
		t.Errorf("a second plugin instance sees framed = %s", v)
	}

	// Explicitly false and empty are accepted.
	as = mustBuild(t, map[string]any{"unreadclose": map[string]any{"framed": false}, "writeclose": map[string]any{"helper": ""}})
	if v := flagValue(t, find(as, "unreadclose"), "framed"); v != "false" {
		t.Errorf("framed: false gave %s", v)
	}
}

// TestDirectivesRequiresOurRules: the directives analyzer of the plugin
// requires exactly the rule analyzers the plugin built (golangci-lint and
// analysis.Validate see one consistent graph, and the flags reach the rules
// that actually run).
func TestDirectivesRequiresOurRules(t *testing.T) {
	for _, raw := range []any{nil, map[string]any{"disable": []any{"lingerblock", "writeclose"}}} {
		as := mustBuild(t, raw)
		d := find(as, "directives")
		if d == nil {
			t.Fatalf("settings %v: no directives analyzer in %v", raw, names(as))
		}
		if d == directives.Analyzer {
			t.Fatalf("the plugin returned the package-level directives analyzer, which requires the package-level rules")
		}
		if got, want := names(d.Requires), append([]string{"connflow"}, suite.Names()...); !slices.Equal(got, want) {
			t.Errorf("directives requires %v, want %v", got, want)
		}
		for _, r := range d.Requires {
			if a := find(as, r.Name); a != nil && a != r {
				t.Errorf("directives requires another %s analyzer than the one the plugin returns", r.Name)
			}
			if r.Name == "writeclose" && r == writeclose.Analyzer || r.Name == "unreadclose" && r == unreadclose.Analyzer {
				t.Errorf("directives requires the package-level %s analyzer", r.Name)
			}
		}
	}
}

func TestDisable(t *testing.T) {
	as := mustBuild(t, map[string]any{"disable": []any{"lingerblock", "unreadclose"}})
	want := []string{"writeclose", "unflushedclose", "lingerzero", "directives", "connflow"}
	if got := names(as); !slices.Equal(got, want) {
		t.Errorf("analyzers %v, want %v", got, want)
	}
	as = mustBuild(t, map[string]any{"disable": []any{"directives", "connflow"}})
	if got := names(as); !slices.Equal(got, suite.Names()) {
		t.Errorf("disable directives, connflow: analyzers %v, want %v", got, suite.Names())
	}
}

func TestBadSettings(t *testing.T) {
	for _, tc := range []struct {
		raw  any
		want string
	}{
		{map[string]any{"framed": true}, `unknown field "framed"`},
		{map[string]any{"unreadclose": map[string]any{"framd": true}}, `unknown field "framd"`},
		{map[string]any{"writeclose": map[string]any{"helper": "x", "prefix": "y"}}, `unknown field "prefix"`},
		{map[string]any{"unreadclose": map[string]any{"framed": "yes"}}, `cannot unmarshal string`},
		{map[string]any{"disable": []any{"lingerblok"}}, `disable: unknown analyzer "lingerblok" (known: writeclose, unreadclose, unflushedclose, lingerzero, lingerblock, directives, connflow)`},
		{map[string]any{"disable": "lingerblock"}, `cannot unmarshal string`},
		{map[string]any{"connflow": map[string]any{"maxblocks": -1.5}}, `cannot unmarshal number -1.5`},
		{map[string]any{"Writeclose": map[string]any{"Helper": 3}}, `cannot unmarshal number`},
	} {
		_, err := build(t, tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("settings %v: error %v, want one containing %q", tc.raw, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "teardown settings: ") {
			t.Errorf("settings %v: error %q does not say it is about teardown's settings", tc.raw, err)
		}
	}
}

// TestEveryFlagIsASetting: a flag added to a rule must be added to the
// plugin's settings too (configuration parity with go vet and nogo).
func TestEveryFlagIsASetting(t *testing.T) {
	// Every setting given, with a non-default value.
	as := mustBuild(t, map[string]any{
		"writeclose":  map[string]any{"helper": "example.com/x.Close"},
		"unreadclose": map[string]any{"framed": true},
		"connflow":    map[string]any{"tests": true, "maxblocks": 7, "notes": "stderr"},
	})
	defer mustBuild(t, nil) // connflow's flags back to their defaults
	if got, want := names(as), names(analyzer.Analyzers()); !slices.Equal(got, want) {
		t.Fatalf("the plugin builds %v, the drivers run %v", got, want)
	}
	for _, a := range as {
		a.Flags.VisitAll(func(f *flag.Flag) {
			if f.Value.String() == f.DefValue {
				t.Errorf("flag -%s.%s is not reachable from the plugin settings (analyzer/plugin.go)", a.Name, f.Name)
			}
		})
	}
}

// TestPluginAnalyzersRun runs the plugin's analyzers (as golangci-lint runs
// them: every returned analyzer a root) on testdata/golangci, and checks the
// findings: the settings change the verdict, a disabled rule's findings are
// gone, and the directives analyzer works on the fresh rules.
func TestPluginAnalyzersRun(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages with the go command")
	}
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "golangci"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Tests: false, Env: append(os.Environ(), "GOFLAGS=-mod=mod")}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		t.Fatalf("%d errors loading %s", n, dir)
	}

	run := func(raw any) []string {
		as := mustBuild(t, raw)
		g, err := checker.Analyze(as, pkgs, &checker.Options{SanityCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for act := range g.All() {
			if !act.IsRoot {
				continue
			}
			if act.Err != nil {
				t.Errorf("%s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)
			}
			for _, d := range act.Diagnostics {
				out = append(out, position(act.Package.Fset, d.Pos, dir)+" "+act.Analyzer.Name)
			}
		}
		slices.Sort(out)
		return out
	}

	base := []string{
		"buffered.go:16 unflushedclose",
		"linger.go:13 lingerblock",
		"linger.go:7 lingerzero",
		"server.go:8 writeclose",
		"stale.go:8 directives",
		"suppressed.go:13 unflushedclose", // //nolint is golangci-lint's, not the analyzers'
	}
	if got := run(nil); !slices.Equal(got, base) {
		t.Errorf("default settings:\n got %v\nwant %v", got, base)
	}

	framed := append(slices.Clone(base), "client.go:18 unreadclose")
	slices.Sort(framed)
	if got := run(map[string]any{"unreadclose": map[string]any{"framed": true}}); !slices.Equal(got, framed) {
		t.Errorf("unreadclose.framed: true:\n got %v\nwant %v", got, framed)
	}

	// lingerblock disabled: its finding is gone, and it still runs for the
	// directives analyzer; writeclose disabled: the stale ignore directive
	// naming it is still judged (by the rule running as a dependency).
	disabled := []string{
		"buffered.go:16 unflushedclose",
		"linger.go:7 lingerzero",
		"stale.go:8 directives",
		"suppressed.go:13 unflushedclose",
	}
	if got := run(map[string]any{"disable": []any{"lingerblock", "writeclose"}}); !slices.Equal(got, disabled) {
		t.Errorf("disable lingerblock, writeclose:\n got %v\nwant %v", got, disabled)
	}
}

func position(fset *token.FileSet, pos token.Pos, dir string) string {
	p := fset.Position(pos)
	rel, err := filepath.Rel(dir, p.Filename)
	if err != nil {
		rel = p.Filename
	}
	return rel + ":" + strconv.Itoa(p.Line)
}
