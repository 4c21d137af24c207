package connflow

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"runtime/debug"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/directive"
)

// This file is the analyzer: its configuration, and the order in which a
// package is modelled.

// Analyzer is the connflow analyzer of the default suite (every driver
// but the golangci-lint plugin, which builds its own with New).
var Analyzer = newAnalyzer(&defaultConfig)

// defaultConfig is the configuration of Analyzer: its flags set it.
var defaultConfig = DefaultConfig()

// Config is connflow's configuration, and through connflow's Result the
// configuration every rule reads. The flags of an analyzer made by New
// set its own Config; nothing else does, so two suites in one process
// never share a setting.
type Config struct {
	// Tests says whether code in _test.go files is analyzed and reported
	// (-connflow.tests). Off by default: on real modules 92% of the
	// findings were in tests, where short-lived conns to fake peers are
	// the norm (docs/evaluation.md).
	Tests bool
	// MaxBlocks is the block budget (-connflow.maxblocks): a function with
	// more basic blocks is not modelled, and a note says so. 0: no limit.
	MaxBlocks int
	// MaxShare is how many packages one SSA program serves (program.go;
	// 0: no limit). It is set by a driver, not a flag. Measured on caddy
	// (docs/performance.md): under golangci-lint 16 keeps peak RSS at the
	// SSA floor's, and no limit costs 1.28× of it; in the standalone
	// checker no limit is the fastest and smallest (16: +4% wall, +6% RSS).
	MaxShare int
	// Notes is where budget notes go (-connflow.notes): NotesReport
	// (the default) reports them as diagnostics of category "budget";
	// NotesStderr writes them to standard error instead, one line each,
	// which is what teardown does under go vet, where every diagnostic
	// fails the run (a note must not).
	Notes string
}

// The values of Config.Notes.
const (
	NotesReport = "report" // diagnostics of category "budget"
	NotesStderr = "stderr" // lines on standard error; no diagnostic
)

// MaxBlocks is the default block budget.
const MaxBlocks = 2000

// DefaultConfig returns the configuration of the default suite.
func DefaultConfig() Config { return Config{MaxBlocks: MaxBlocks, Notes: NotesReport} }

// New returns a connflow analyzer with its own configuration, starting
// from cfg; its flags (-connflow.tests, -connflow.maxblocks) set it.
func New(cfg Config) *analysis.Analyzer { return newAnalyzer(&cfg) }

// newAnalyzer returns a connflow analyzer configured by c, with flags
// bound to c.
func newAnalyzer(c *Config) *analysis.Analyzer {
	a := &analysis.Analyzer{
		Name: "connflow",
		Doc: "connflow: teardown's connection model; reports only functions and connections left unanalyzed because a budget was hit\n\n" +
			"connflow finds the connections of each function, their events and paths, and exports as facts the summaries of helpers " +
			"and which functions only make in-memory conns. Rules read its result. A function with more basic blocks than " +
			"-connflow.maxblocks is skipped, and a connection with more paths than the analysis budget is given up; both are " +
			"reported here, so a skipped check is never silent.",
		URL:        "https://github.com/teardownlint/teardown/blob/main/docs/design.md",
		Run:        func(pass *analysis.Pass) (any, error) { return run(pass, c) },
		ResultType: reflect.TypeFor[*Result](),
		FactTypes:  []analysis.Fact{new(Summary), new(InMemory), new(Signals), new(LingerParams), new(Wraps)},
	}
	a.Flags.IntVar(&c.MaxBlocks, "maxblocks", c.MaxBlocks,
		"skip (and report) functions with more basic blocks than this; 0 means no limit")
	a.Flags.BoolVar(&c.Tests, "tests", c.Tests, "also analyze and report code in _test.go files")
	if c.Notes == "" {
		c.Notes = NotesReport
	}
	a.Flags.Var((*notesFlag)(&c.Notes), "notes",
		`where budget notes go: "report" (diagnostics) or "stderr" (lines on standard error, as under go vet)`)
	return a
}

// notesFlag is Config.Notes as a flag: one of the two values, or an error.
type notesFlag string

// String returns the value, for the flag package.
func (f *notesFlag) String() string { return string(*f) }

// Set accepts NotesReport and NotesStderr.
func (f *notesFlag) Set(v string) error {
	if v != NotesReport && v != NotesStderr {
		return fmt.Errorf("want %q or %q, not %q", NotesReport, NotesStderr, v)
	}
	*f = notesFlag(v)
	return nil
}

// Result is what the connflow analyzer hands to the rules.
type Result struct {
	// Config is the configuration the package was modelled with.
	Config *Config
	// Funcs are the models of the package's functions that touch
	// connections, in source order (closures after their parent).
	Funcs []*Func
	// Lingers are the package's SO_LINGER settings.
	Lingers []*LingerOp
	// Budget lists the places where a budget was hit: a function too large
	// to model, or a conn with too many paths. connflow reports them, so
	// that a skipped function is never a silent miss.
	Budget []BudgetNote
	// Used are the //teardown:ignore budget directives that suppressed a
	// note, by position (the directives analyzer reports those that
	// suppressed nothing).
	Used map[token.Pos]bool
}

// panicOn is a test hook (see export_test.go).
var panicOn string

// run models the package: it selects the functions worth building,
// builds their SSA, finds the in-memory producers, models every function
// (helpers on demand, before their callers), collects the linger
// settings, reports the budget notes and exports the facts. A panic
// becomes an error naming the function being modelled.
func run(pass *analysis.Pass, cfg *Config) (res any, err error) {
	sel := selectFuncs(pass, cfg.Tests, cfg.MaxBlocks)
	if sel.empty {
		return &Result{Config: cfg}, nil
	}
	ps := newPkgState(pass, cfg)
	var current *ssa.Function
	defer func() {
		if r := recover(); r != nil {
			where := "package " + pass.Pkg.Path()
			if current != nil {
				where = "function " + current.String()
			}
			err = fmt.Errorf("internal error while analyzing %s: %v (please report it)\n%s", where, r, debug.Stack())
		}
	}()
	funcs := buildSSA(pass, sel, cfg.MaxShare)
	ps.findProducers(funcs)
	var only map[types.Object]bool
	called := func() map[types.Object]bool { // most packages never ask
		if only == nil {
			only = calledOnly(pass, sel.decls)
		}
		return only
	}
	ps.refineParams(funcs, called)
	ps.aliases, ps.bufferedEncoders = aliasedParams(funcs, called)
	for _, fn := range funcs {
		current = fn
		if m := ps.model(fn); m != nil && len(m.Conns) > 0 {
			ps.result.Funcs = append(ps.result.Funcs, m)
		}
		ps.collectLingers(fn)
	}
	current = nil
	ps.lingerCalls(funcs)
	ps.overflowNotes()
	ps.reportBudget()
	ps.exportFacts(funcs)
	return ps.result, nil
}

// exportFacts exports the facts of the package's named functions, in
// source order: a Summary for each function with a conn-like parameter
// that says something about one, an InMemory fact for each in-memory
// producer, and a Signals fact for each function that signals one of its
// parameters on every path, and a LingerParams fact for each function
// whose parameter reaches a linger setting, and a Wraps fact for each
// wrapper constructor.
func (ps *pkgState) exportFacts(funcs []*ssa.Function) {
	for _, fn := range funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || fn.Parent() != nil {
			continue
		}
		if sigHasConnLike(fn.Signature) {
			if s := ps.summary(fn); s != nil {
				if params := informative(s.Params); len(params) > 0 {
					ps.pass.ExportObjectFact(obj, &Summary{Params: params})
				}
			}
		}
		if r := ps.producedResults(fn); len(r) > 0 {
			ps.pass.ExportObjectFact(obj, &InMemory{Results: r})
		}
		ps.exportSignals(fn, obj)
		ps.exportLingerParams(fn, obj)
		ps.exportWraps(fn, obj)
	}
}

// pkgState is the state of modelling one package.
type pkgState struct {
	pass      *analysis.Pass
	cfg       *Config
	models    map[*ssa.Function]*Func
	building  map[*ssa.Function]bool
	summaries map[*ssa.Function]*Summary
	result    *Result
	// sameConn tells a closure which of its free variables its parent
	// binds to one connection (closures.go, tellSameConn).
	sameConn map[*ssa.Function][]int
	// producers are the package's in-memory producers and the results
	// for which they are (inmemory.go); sockets memoizes holdsSocket.
	producers map[*ssa.Function]map[int]bool
	sockets   map[types.Type]bool
	// roles are what the goroutines started in the package do to the
	// conns of the objects of its struct types they use, and goStmts the
	// go statements that hand each type's objects to one (goroles.go).
	roles   map[*types.Named]goRole
	goStmts map[*types.Named][]token.Pos
	// refined are the io parameters every call passes a stream conn to
	// (refine.go).
	refined map[*ssa.Function]map[int]types.Type
	// slotStores are the values the package stores into collections,
	// by slot (collections.go).
	slotStores map[heapSlot][]ssa.Value
	// signalsOf memoizes the functions' signals (signals.go), wraps
	// which of their results wrap which parameter (ownwrappers.go).
	signalsOf map[*ssa.Function]*Signals
	wraps     map[*ssa.Function][]int
	// fresh are the package's fresh constructors and the parameters
	// they hold (freshobjects.go).
	fresh map[*ssa.Function][]freshField
	// fieldFns are the func-valued fields the package always sets to one
	// function (fieldfuncs.go).
	fieldFns map[*types.Var]*fieldTarget
	// wrapFields are the fields that hold a wrapper over a conn field of
	// the same object (wrapfields.go).
	wrapFields map[*types.Var]*types.Var
	// buffered are the package's own buffered writer types, decls its
	// function declarations (ownbuffers.go), and nested the fields of
	// objects held in a field that hold another field of the holder
	// (nestedwriters.go).
	buffered map[*types.Named]bool
	decls    map[*types.Func]*ast.FuncDecl
	nested   map[[2]*types.Var]*types.Var
	// aliases are, per function, the parameters every caller passes as
	// one conn (aliases.go).
	aliases map[*ssa.Function][]int
	// bufferedEncoders are, per function with aliases, the parameters
	// every caller passes an encoder made over a bufio.Writer (aliases.go).
	bufferedEncoders map[*ssa.Function][]bool
	// lingerParams are the functions' parameters that reach a linger
	// setting, and directives the package's //teardown: directives
	// (lingercalls.go).
	lingerParams map[*ssa.Function][]LingerParam
	directives   []*directive.Directive
	// makers memoizes which parameter each function's returned closure
	// captures (-1: no closure maker), and callbacks are the callback
	// fields the package stores such closures into (callbacks.go).
	makers    map[*ssa.Function]int
	callbacks map[*types.Var]bool
}

// newPkgState returns the empty state of modelling pass's package.
func newPkgState(pass *analysis.Pass, cfg *Config) *pkgState {
	return &pkgState{
		pass:      pass,
		cfg:       cfg,
		models:    map[*ssa.Function]*Func{},
		building:  map[*ssa.Function]bool{},
		summaries: map[*ssa.Function]*Summary{},
		result:    &Result{Config: cfg},
		sameConn:  map[*ssa.Function][]int{},
		signalsOf: map[*ssa.Function]*Signals{},
		wraps:     map[*ssa.Function][]int{},
		fresh:     map[*ssa.Function][]freshField{},
		makers:    map[*ssa.Function]int{},
	}
}

// model returns the model of fn, building it on first use. It returns nil
// for a function on a recursion cycle (its callers treat it as unknown)
// and for one over the block budget (a note says so).
func (ps *pkgState) model(fn *ssa.Function) *Func {
	if m, ok := ps.models[fn]; ok {
		return m
	}
	if ps.building[fn] || fn.Blocks == nil {
		return nil
	}
	if ps.cfg.MaxBlocks > 0 && len(fn.Blocks) > ps.cfg.MaxBlocks {
		ps.blockNote(fn)
		ps.models[fn] = nil
		return nil
	}
	ps.building[fn] = true
	if panicOn != "" && fn.Name() == panicOn {
		panic("test panic")
	}
	m := newFuncBuilder(ps, fn).build()
	delete(ps.building, fn)
	ps.models[fn] = m
	return m
}
