package analyzer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/directives"
	"github.com/teardownlint/teardown/passes/lingerblock"
	"github.com/teardownlint/teardown/passes/lingerzero"
	"github.com/teardownlint/teardown/passes/unflushedclose"
	"github.com/teardownlint/teardown/passes/unreadclose"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// PluginName is the name of the golangci-lint module plugin: the key under
// linters.settings.custom in .golangci.yml, the linter to enable, and the
// name //nolint: takes.
const PluginName = "teardown"

// The golangci-lint module plugin (github.com/golangci/plugin-module-register).
// A custom golangci-lint that imports this package (blank import of
// github.com/teardownlint/teardown/analyzer) has the linter "teardown".
func init() { register.Plugin(PluginName, New) }

// Settings are the plugin's settings: linters.settings.custom.teardown.settings
// in .golangci.yml. Keys are lower case (golangci-lint lower-cases map keys;
// there are no maps here for that reason), and an unknown key is an error.
//
// Every setting is an analyzer flag and is applied through it
// (Analyzer.Flags.Set), so that a setting means exactly what the flag means
// under go vet -vettool (-writeclose.helper=…) and Bazel nogo
// (analyzer_flags: {"helper": …}).
type Settings struct {
	Writeclose  WritecloseSettings  `json:"writeclose"`
	Unreadclose UnreadcloseSettings `json:"unreadclose"`
	// Disable lists rules (lint.Names) or "directives" whose findings are
	// not reported: the -RULE=false flag of the standalone and vet drivers.
	Disable []string `json:"disable"`
}

// WritecloseSettings are the flags of the writeclose rule.
type WritecloseSettings struct {
	// Helper is -writeclose.helper: IMPORTPATH.Func, a func(net.Conn) error
	// that the suggested fix calls instead of inlining the graceful close.
	Helper *string `json:"helper"`
}

// UnreadcloseSettings are the flags of the unreadclose rule.
type UnreadcloseSettings struct {
	// Framed is -unreadclose.framed: also report a conn closed after reading
	// a reply to a request the function wrote.
	Framed *bool `json:"framed"`
}

// flagValues returns the settings as flag assignments, rule -> flag -> value,
// for the settings that were given (an absent setting keeps the flag's
// default).
func (s Settings) flagValues() map[string][][2]string {
	out := map[string][][2]string{}
	if s.Writeclose.Helper != nil {
		out[writeclose.Analyzer.Name] = append(out[writeclose.Analyzer.Name], [2]string{"helper", *s.Writeclose.Helper})
	}
	if s.Unreadclose.Framed != nil {
		out[unreadclose.Analyzer.Name] = append(out[unreadclose.Analyzer.Name], [2]string{"framed", strconv.FormatBool(*s.Unreadclose.Framed)})
	}
	return out
}

type plugin struct {
	settings Settings
	disabled map[string]bool
}

// New is the plugin constructor golangci-lint calls with the raw settings.
// It decodes and validates them; the analyzers are built by BuildAnalyzers.
func New(raw any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, fmt.Errorf("teardown settings: %w", err)
	}
	p := &plugin{settings: s, disabled: map[string]bool{}}
	known := append(slices.Clone(lint.Names), directives.Analyzer.Name)
	for _, name := range s.Disable {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("teardown settings: disable: unknown rule %q (known: %s)", name, strings.Join(known, ", "))
		}
		p.disabled[name] = true
	}
	// Apply the flags once here, so that a bad value is reported when the
	// configuration is loaded, not later.
	if _, err := p.BuildAnalyzers(); err != nil {
		return nil, err
	}
	return p, nil
}

// BuildAnalyzers returns fresh analyzers configured by the settings: the
// enabled rules and the directives analyzer.
//
// A disabled rule is left out of the list, so golangci-lint reports none of
// its findings, but it still runs as a dependency of the directives
// analyzer, so that //teardown:ignore directives naming it are judged as
// they are by go vet -vettool with -RULE=false (where the rule also runs as
// a dependency and only its findings are dropped).
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	rules, err := p.rules()
	if err != nil {
		return nil, err
	}
	var out []*analysis.Analyzer
	for _, r := range rules {
		if !p.disabled[r.Name] {
			out = append(out, r)
		}
	}
	if !p.disabled[directives.Analyzer.Name] {
		d, err := newDirectives(rules)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// GetLoadMode: the rules need types (and build SSA from them).
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// rules returns the five rule analyzers, in the order of Rules, with the
// settings applied. The rules with flags are fresh instances (New), so a
// plugin instance never changes the package-level analyzers that
// cmd/teardown and the passes' tests use; the rules without flags have no
// state and are shared.
func (p *plugin) rules() ([]*analysis.Analyzer, error) {
	rules := []*analysis.Analyzer{
		writeclose.New(),
		unreadclose.New(),
		unflushedclose.Analyzer,
		lingerzero.Analyzer,
		lingerblock.Analyzer,
	}
	values := p.settings.flagValues()
	for _, a := range rules {
		for _, nv := range values[a.Name] {
			if a.Flags.Lookup(nv[0]) == nil {
				return nil, fmt.Errorf("teardown settings: %s has no flag %q", a.Name, nv[0])
			}
			if err := a.Flags.Set(nv[0], nv[1]); err != nil {
				return nil, fmt.Errorf("teardown settings: %s.%s: %w", a.Name, nv[0], err)
			}
		}
	}
	return rules, nil
}

// newDirectives returns a directives analyzer that requires the given rule
// analyzers instead of the package-level ones (directives.Rules).
//
// passes/directives reads pass.ResultOf[r] for each r in directives.Rules;
// the wrapper runs it on a copy of the pass whose ResultOf maps those
// package-level analyzers to the results of ours (the same rule, by name).
// The analyzer keeps the name "directives", so findings and flags read the
// same in every driver.
func newDirectives(rules []*analysis.Analyzer) (*analysis.Analyzer, error) {
	byName := map[string]*analysis.Analyzer{}
	for _, r := range rules {
		byName[r.Name] = r
	}
	for _, g := range directives.Rules {
		if byName[g.Name] == nil {
			return nil, fmt.Errorf("internal error: the directives analyzer requires rule %q, which the plugin does not build", g.Name)
		}
	}
	base := directives.Analyzer
	return &analysis.Analyzer{
		Name:       base.Name,
		Doc:        base.Doc,
		URL:        base.URL,
		Requires:   slices.Clone(rules),
		ResultType: base.ResultType,
		Run: func(pass *analysis.Pass) (any, error) {
			shim := *pass
			shim.ResultOf = make(map[*analysis.Analyzer]any, len(pass.ResultOf)+len(directives.Rules))
			for a, res := range pass.ResultOf {
				shim.ResultOf[a] = res
			}
			for _, g := range directives.Rules {
				shim.ResultOf[g] = pass.ResultOf[byName[g.Name]]
			}
			return base.Run(&shim)
		},
	}, nil
}
