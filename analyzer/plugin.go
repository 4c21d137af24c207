package analyzer

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/passes/connflow"
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
	Connflow    ConnflowSettings    `json:"connflow"`
	// Disable lists analyzers (the rules, "directives", "connflow") whose
	// findings are not reported: the -NAME=false flag of the standalone
	// and vet drivers.
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

// ConnflowSettings are the flags of connflow, the model every rule reads.
type ConnflowSettings struct {
	// Tests is -connflow.tests: also analyze and report code in _test.go
	// files (golangci-lint must load them too: run.tests, true by default).
	Tests *bool `json:"tests"`
	// Maxblocks is -connflow.maxblocks: skip (and report) functions with
	// more basic blocks than this; 0 means no limit.
	Maxblocks *int `json:"maxblocks"`
	// Notes is -connflow.notes: where budget notes go, "report"
	// (diagnostics, the default) or "stderr" (lines on standard error).
	Notes *string `json:"notes"`
}

// flagValues returns the settings that were given as flag values:
// analyzer name -> flag name -> value. An absent setting means the flag's
// default.
func (s Settings) flagValues() map[string]map[string]string {
	out := map[string]map[string]string{}
	set := func(analyzer, flag, value string) {
		if out[analyzer] == nil {
			out[analyzer] = map[string]string{}
		}
		out[analyzer][flag] = value
	}
	if s.Writeclose.Helper != nil {
		set(writeclose.Analyzer.Name, "helper", *s.Writeclose.Helper)
	}
	if s.Unreadclose.Framed != nil {
		set(unreadclose.Analyzer.Name, "framed", strconv.FormatBool(*s.Unreadclose.Framed))
	}
	if s.Connflow.Tests != nil {
		set(connflow.Analyzer.Name, "tests", strconv.FormatBool(*s.Connflow.Tests))
	}
	if s.Connflow.Maxblocks != nil {
		set(connflow.Analyzer.Name, "maxblocks", strconv.Itoa(*s.Connflow.Maxblocks))
	}
	if s.Connflow.Notes != nil {
		set(connflow.Analyzer.Name, "notes", *s.Connflow.Notes)
	}
	return out
}

type plugin struct {
	settings Settings
	disabled map[string]bool
}

// gclMaxShare is connflow.MaxShare under golangci-lint. On caddy, peak
// RSS against the SSA floor's under golangci-lint (693 MB): 16, 0.99×;
// no limit, 1.28×; 1 (a program per package), 0.96×, with 4% more CPU
// seconds than no limit (medians of 3 runs each).
const gclMaxShare = 16

// New is the plugin constructor golangci-lint calls with the raw settings.
// It decodes and validates them; the analyzers are built by BuildAnalyzers.
func New(raw any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, fmt.Errorf("teardown settings: %w", err)
	}
	p := &plugin{settings: s, disabled: map[string]bool{}}
	var known []string
	for _, a := range Analyzers() {
		known = append(known, a.Name)
	}
	for _, name := range s.Disable {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("teardown settings: disable: unknown analyzer %q (known: %s)", name, strings.Join(known, ", "))
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

// BuildAnalyzers returns a fresh suite (NewSuite), configured by the
// settings, minus the disabled analyzers: the rules, the directives
// analyzer and connflow. golangci-lint frees each package's results once
// the package is done; connflow's SSA programs can go with them only if
// each serves a few packages, so its MaxShare is gclMaxShare
// (docs/performance.md, "Under golangci-lint").
//
// A disabled analyzer is left out of the list, so golangci-lint reports
// none of its findings, but it still runs when another one requires it
// (every rule requires connflow; the directives analyzer requires every
// rule), so that //teardown:ignore directives naming a disabled rule are
// judged as they are by go vet -vettool with -RULE=false, where the rule
// also runs as a dependency and only its findings are dropped.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	cfg := connflow.DefaultConfig()
	cfg.MaxShare = gclMaxShare
	all := NewSuite(cfg)
	if err := applyFlags(all, p.settings.flagValues()); err != nil {
		return nil, err
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		if !p.disabled[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}

// applyFlags sets the flags of the analyzers named in values (analyzer
// name -> flag name -> value) through Flags.Set, as every other driver
// does.
func applyFlags(as []*analysis.Analyzer, values map[string]map[string]string) error {
	for _, a := range as {
		for _, name := range slices.Sorted(maps.Keys(values[a.Name])) {
			if a.Flags.Lookup(name) == nil {
				return fmt.Errorf("internal error: teardown settings: %s has no flag %q", a.Name, name)
			}
			if err := a.Flags.Set(name, values[a.Name][name]); err != nil {
				return fmt.Errorf("teardown settings: %s.%s: %w", a.Name, name, err)
			}
		}
	}
	return nil
}

// GetLoadMode: the rules need types (and build SSA from them).
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
