package connflow

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Analyzer builds the connection model of a package; the rules read its
// Result. The only thing it reports is where a budget was hit, so that a
// function left unanalyzed is never a silent miss. It exports a Summary fact for every function
// with a conn-like parameter, so helpers in other packages are understood,
// and an InMemory fact for every function that only makes in-memory conns
// (inmemory.go).
var Analyzer = &analysis.Analyzer{
	Name:       "connflow",
	Doc:        "connflow: teardown's connection model; reports only functions and connections left unanalyzed because a budget was hit\n\nconnflow finds the connections of each function, their events and paths, and exports as facts the summaries of helpers and which functions only make in-memory conns. Rules read its result. A function with more basic blocks than -connflow.maxblocks is skipped, and a connection with more paths than the analysis budget is given up; both are reported here, so a skipped check is never silent.",
	URL:        "https://github.com/teardownlint/teardown/blob/main/docs/design.md",
	Run:        run,
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(Summary), new(InMemory)},
}

// A Summary is a function's effect on its conn-like parameters: for each,
// the event kinds (see Kind) along each path from entry to return. It is
// exported as an object fact, so it must gob-encode deterministically:
// slices only, sorted.
type Summary struct {
	Params   []ParamEffect
	FreeVars []ParamEffect `json:"-"` // closures only; never exported
}

// ParamEffect is the set of paths, as kind strings, for one parameter
// (the receiver of a method is parameter 0). "o" means the function hands
// the value on; "" is a path that does nothing to it.
type ParamEffect struct {
	Index int
	Paths []string
}

func (*Summary) AFact() {}

func (s *Summary) String() string {
	var parts []string
	for _, p := range s.Params {
		parts = append(parts, fmt.Sprintf("%d:%s", p.Index, strings.Join(p.Paths, "|")))
	}
	return "effects(" + strings.Join(parts, " ") + ")"
}

func (s *Summary) param(i int) (ParamEffect, bool) {
	for _, p := range s.Params {
		if p.Index == i {
			return p, true
		}
	}
	return ParamEffect{}, false
}

// panicOn is a test hook (see export_test.go).
var panicOn string

// Budgets. A function bigger than MaxBlocks is not modelled (a note says
// so); a connection whose path set grows beyond MaxStates at one point is
// marked Overflow and judged by no rule.
const (
	MaxBlocks  = 2000
	MaxStates  = 64
	MaxSummary = 16
)

var maxBlocks = MaxBlocks

// Tests says whether code in _test.go files is analyzed and reported
// (-connflow.tests). Off by default: on real modules 92% of the findings
// were in tests, where short-lived conns to fake peers are the norm
// (docs/evaluation.md).
var Tests = false

func init() {
	Analyzer.Flags.IntVar(&maxBlocks, "maxblocks", MaxBlocks,
		"skip (and report) functions with more basic blocks than this; 0 means no limit")
	Analyzer.Flags.BoolVar(&Tests, "tests", false, "also analyze and report code in _test.go files")
}

// IsTestFile reports whether name is a _test.go file.
func IsTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }

func run(pass *analysis.Pass) (res any, err error) {
	sel := selectFuncs(pass)
	if sel.empty {
		return &Result{}, nil
	}
	ps := &pkgState{
		pass:      pass,
		models:    map[*ssa.Function]*Func{},
		building:  map[*ssa.Function]bool{},
		summaries: map[*ssa.Function]*Summary{},
		result:    &Result{},
		sameConn:  map[*ssa.Function][]int{},
	}
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
	funcs := buildSSA(pass, sel)
	ps.findProducers(funcs)
	for _, fn := range funcs {
		current = fn
		if m := ps.model(fn); m != nil && len(m.Conns) > 0 {
			ps.result.Funcs = append(ps.result.Funcs, m)
		}
		ps.collectLingers(fn)
	}
	current = nil
	for _, f := range ps.result.Funcs {
		for _, c := range f.Conns {
			if c.Overflow && c.Escaped == "" && len(c.EventsOf(Close)) > 0 {
				pos := f.SSA.Pos()
				for _, v := range c.Values {
					if v.Pos().IsValid() {
						pos = v.Pos()
						break
					}
				}
				ps.result.Budget = append(ps.result.Budget, BudgetNote{pos,
					fmt.Sprintf("teardown gave up on this connection in %s: more than %d distinct paths reach one point; "+
						"its Close is unchecked", f.SSA.Name(), MaxStates)})
			}
		}
	}
	for _, n := range ps.result.Budget {
		if f := fileOf(pass, n.Pos); f == nil || !ast.IsGenerated(f) {
			pass.Report(analysis.Diagnostic{Pos: n.Pos, Category: "budget", Message: n.Message})
		}
	}
	// Export the facts of named functions, in a deterministic order.
	for _, fn := range funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || fn.Parent() != nil {
			continue
		}
		if sigHasConnLike(fn.Signature) {
			if s := ps.summary(fn); s != nil {
				if params := informative(s.Params); len(params) > 0 {
					pass.ExportObjectFact(obj, &Summary{Params: params})
				}
			}
		}
		if r := ps.producedResults(fn); len(r) > 0 {
			pass.ExportObjectFact(obj, &InMemory{Results: r})
		}
	}
	return ps.result, nil
}

// informative drops the parameters that the function only hands on
// ("o" on every path): a caller that finds no summary for an argument
// takes it as handed on too, so their facts would say nothing. They were
// half of the facts on std.
func informative(params []ParamEffect) []ParamEffect {
	var out []ParamEffect
	for _, p := range params {
		if !(len(p.Paths) == 1 && p.Paths[0] == string(Escape)) {
			out = append(out, p)
		}
	}
	return out
}

func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

func sigHasConnLike(sig *types.Signature) bool {
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

type pkgState struct {
	pass      *analysis.Pass
	models    map[*ssa.Function]*Func
	building  map[*ssa.Function]bool
	summaries map[*ssa.Function]*Summary
	result    *Result
	// sameConn tells a closure which of its free variables its parent
	// binds to one connection (say a conn and a bufio.Writer over it), so
	// that the closure orders their events as one history.
	sameConn map[*ssa.Function][]int
	// producers are the package's in-memory producers and the results
	// for which they are (inmemory.go); sockets memoizes holdsSocket.
	producers map[*ssa.Function]map[int]bool
	sockets   map[types.Type]bool
}

// model returns the model of fn, building it on first use. It returns nil
// for a function on a recursion cycle (its callers treat it as unknown).
func (ps *pkgState) model(fn *ssa.Function) *Func {
	if m, ok := ps.models[fn]; ok {
		return m
	}
	if ps.building[fn] || fn.Blocks == nil {
		return nil
	}
	if maxBlocks > 0 && len(fn.Blocks) > maxBlocks {
		ps.result.Budget = append(ps.result.Budget, BudgetNote{fn.Pos(),
			fmt.Sprintf("teardown did not analyze %s: its %d basic blocks exceed the budget of %d (-connflow.maxblocks); "+
				"the connections it closes are unchecked", fn.Name(), len(fn.Blocks), maxBlocks)})
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

// summary returns fn's effect on its conn-like parameters (and free
// variables, for a closure): from the package's own model when fn is
// here, from a fact otherwise. nil means unknown.
func (ps *pkgState) summary(fn *ssa.Function) *Summary {
	if o := fn.Origin(); o != nil {
		// A generic function: its parameters are of type-parameter type,
		// which is never a conn, so it says nothing about conns.
		fn = o
	}
	if s, ok := ps.summaries[fn]; ok {
		return s
	}
	var s *Summary
	if fn.Pkg != nil && fn.Pkg.Pkg == ps.pass.Pkg {
		if m := ps.model(fn); m != nil {
			s = m.summarize()
		}
	} else if obj, ok := fn.Object().(*types.Func); ok {
		var fact Summary
		if ps.pass.ImportObjectFact(obj, &fact) {
			s = &fact
		}
	}
	if !ps.building[fn] {
		ps.summaries[fn] = s
	}
	return s
}

// params counts the parameters among the conn's values.
func (c *Conn) params() int {
	n := 0
	for _, v := range c.Values {
		if _, ok := v.(*ssa.Parameter); ok {
			n++
		}
	}
	return n
}

// connOfValue returns the conn one of whose values is v, or nil.
func (f *Func) connOfValue(v ssa.Value) *Conn {
	for _, c := range f.Conns {
		if slices.Contains(c.Values, v) {
			return c
		}
	}
	return nil
}

// summarize turns the paths to the function's returns into a Summary.
func (f *Func) summarize() *Summary {
	s := &Summary{}
	byIndex := map[[2]int]map[string]bool{} // {0 param | 1 freevar, index}
	for _, c := range f.Conns {
		var key [2]int
		switch c.Origin {
		case FromParam:
			key = [2]int{0, c.Index}
		case FromFreeVar:
			key = [2]int{1, c.Index}
		default:
			continue
		}
		set := byIndex[key]
		if set == nil {
			set = map[string]bool{}
			byIndex[key] = set
		}
		// Handed on: escaped, given up on, or two parameters merged into
		// one conn by a phi (what happens to it happens to either, so to
		// neither for sure).
		if c.Escaped != "" || c.Overflow || c.Origin == FromParam && c.params() > 1 {
			set[string(Escape)] = true
			continue
		}
		for _, h := range c.exits {
			set[h.String()] = true
		}
		if len(c.exits) == 0 {
			set[""] = true // no path returns (e.g. every path panics)
		}
	}
	fn := f.SSA
	for i, p := range fn.Params {
		if IsConnLike(p.Type()) {
			if _, ok := byIndex[[2]int{0, i}]; !ok {
				// Not a conn of its own: untouched, or merged (by a
				// phi) with a value the function did not receive, such
				// as a field load or another parameter. What happens to
				// the merged value may not happen to the parameter, and
				// the other way round: it is handed on, as far as the
				// caller can know.
				path := ""
				if f.connOfValue(p) != nil {
					path = string(Escape)
				}
				byIndex[[2]int{0, i}] = map[string]bool{path: true}
			}
		}
	}
	for key, set := range byIndex {
		paths := make([]string, 0, len(set))
		for p := range set {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if len(paths) > MaxSummary {
			paths = []string{string(Escape)}
		}
		pe := ParamEffect{Index: key[1], Paths: paths}
		if key[0] == 0 {
			s.Params = append(s.Params, pe)
		} else {
			s.FreeVars = append(s.FreeVars, pe)
		}
	}
	sort.Slice(s.Params, func(i, j int) bool { return s.Params[i].Index < s.Params[j].Index })
	sort.Slice(s.FreeVars, func(i, j int) bool { return s.FreeVars[i].Index < s.FreeVars[j].Index })
	return s
}
