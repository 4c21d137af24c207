package lint

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"runtime/debug"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/directive"
	"github.com/teardownlint/teardown/internal/source"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Pass is what a rule's run function gets: the analysis pass, the conn
// model, and the one way to report.
type Pass struct {
	*analysis.Pass
	Rule  *Doc
	Model *connflow.Result

	directives []*directive.Directive // parsed on first use: most packages report nothing
	parsed     bool
	outcome    *Outcome
	current    *ssa.Function
}

// Outcome is a rule's Result: the directives it used, so that the
// directives analyzer can report the ones that suppressed nothing.
type Outcome struct {
	Rule string
	Used map[token.Pos]bool
}

// NewAnalyzer makes the analyzer of a rule over model, a connflow
// analyzer (connflow.Analyzer, or a suite's own from connflow.New). The
// rule's run function walks the model and calls p.Report; NewAnalyzer
// adds the model as a requirement, the documentation, the suppression
// directives, and the recovery of panics into errors.
func NewAnalyzer(model *analysis.Analyzer, doc *Doc, run func(p *Pass)) *analysis.Analyzer {
	register(doc)
	a := &analysis.Analyzer{
		Name:       doc.Name,
		Doc:        doc.AnalyzerDoc(),
		URL:        doc.URL(),
		Requires:   []*analysis.Analyzer{model},
		ResultType: reflect.TypeFor[*Outcome](),
	}
	a.Run = func(pass *analysis.Pass) (res any, err error) {
		p := &Pass{
			Pass:    pass,
			Rule:    doc,
			Model:   pass.ResultOf[model].(*connflow.Result),
			outcome: &Outcome{Rule: doc.Name, Used: map[token.Pos]bool{}},
		}
		defer func() {
			if r := recover(); r != nil {
				where := "package " + pass.Pkg.Path()
				if p.current != nil {
					where = "function " + p.current.String()
				}
				err = fmt.Errorf("internal error while analyzing %s: %v (please report it)\n%s", where, r, debug.Stack())
			}
		}()
		run(p)
		return p.outcome, nil
	}
	return a
}

// Funcs returns the modelled functions; the function being looked at is
// remembered for error messages.
func (p *Pass) Funcs(yield func(*connflow.Func) bool) {
	for _, f := range p.Model.Funcs {
		p.current = f.SSA
		if !yield(f) {
			break
		}
	}
	p.current = nil
}

// Enter records the function being analyzed, for error messages.
func (p *Pass) Enter(fn *ssa.Function) { p.current = fn }

// Report reports d under the rule unless a //teardown:ignore directive
// covers it or it is in a generated file (source.Reportable: in a file
// cgo rewrote, it is reported without its fix).
func (p *Pass) Report(d analysis.Diagnostic) {
	d.Pos = p.callStart(d.Pos)
	posn := p.Fset.Position(d.Pos)
	if f := p.File(d.Pos); f != nil && !source.Reportable(p.Fset, f, &d) {
		return
	}
	if !p.Model.Config.Tests && connflow.IsTestFile(posn.Filename) {
		return
	}
	for _, dir := range p.Directives() {
		if dir.Verb == "ignore" && dir.Malformed == "" && dir.Names(p.Rule.Name) && dir.Covers(posn) {
			p.outcome.Used[dir.Pos] = true
			return
		}
	}
	d.Category = p.Rule.Name
	d.URL = p.Rule.URL()
	p.Pass.Report(d)
}

// callStart moves a position at a call's '(' (where go/ssa places calls)
// to the start of the call expression, where a reader looks for it.
func (p *Pass) callStart(pos token.Pos) token.Pos {
	for _, n := range p.Path(pos, pos+1) {
		if call, ok := n.(*ast.CallExpr); ok && call.Lparen == pos {
			return call.Pos()
		}
	}
	return pos
}

// Directives returns the package's teardown directives, parsing them on
// first use.
func (p *Pass) Directives() []*directive.Directive {
	if !p.parsed {
		p.directives, p.parsed = directive.Parse(p.Fset, p.Files, append(directive.Rules(), directive.Budget)), true
	}
	return p.directives
}

// Directive returns a well-formed directive with the verb that covers pos,
// and marks it used.
func (p *Pass) Directive(verb string, pos token.Pos) *directive.Directive {
	posn := p.Fset.Position(pos)
	for _, dir := range p.Directives() {
		if dir.Verb == verb && dir.Malformed == "" && dir.Covers(posn) {
			p.outcome.Used[dir.Pos] = true
			return dir
		}
	}
	return nil
}

// File returns the syntax of the file containing pos.
func (p *Pass) File(pos token.Pos) *ast.File {
	for _, f := range p.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// Path returns the syntax nodes enclosing [start, end), innermost first.
func (p *Pass) Path(start, end token.Pos) []ast.Node {
	f := p.File(start)
	if f == nil {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(f, start, end)
	return path
}

// CommentAbove returns the text of the comment group that ends on the
// line directly above pos's line and stands on lines of its own (not a
// trailing comment of the statement above), "" if none. Directives are
// not text.
func (p *Pass) CommentAbove(pos token.Pos) string {
	return directive.CommentAbove(p.Fset, p.File(pos), p.ReadFile, pos)
}

// A CloseRule is a rule about Close calls: the conns it judges and its
// verdict on one path to a Close. Only conns the function owns (made or
// received here, never handed on, not given up on) that are stream
// sockets are ever judged, and, when Shared is set, the conn fields of
// objects a goroutine of the package may use (Conn.Shared).
type CloseRule struct {
	// Judges selects, among those, the conns the rule judges (nil: all).
	Judges func(*connflow.Conn) bool
	// Shared says whether the verdict rests on the function's own events
	// alone, so that a conn another goroutine may also use is judged.
	Shared bool
	// Concurrent says whether Closes inside goroutines started by the
	// function are judged too.
	Concurrent bool
	// Verdict returns the event that condemns the path (the last write,
	// the abandoned read, ...), or nil if the path is fine.
	Verdict func(connflow.Path) *connflow.Event
	// Need ranks a condemned path by how much its fix must do (nil: all
	// alike): of the paths that reach one Close, the one that needs the
	// most is reported, so that its message and fix cover the others.
	Need func(Finding) int
}

// A Finding is a Close that a rule's verdict condemns: the path chosen
// to explain it, and what the verdict returned on that path.
type Finding struct {
	connflow.Path
	Culprit *connflow.Event
}

// JudgeCloses is the loop every Close rule shares: each Close site (a
// position) of each conn the rule judges is judged on every path that
// reaches it, and reported at most once, on the path chosen by the order
// of before.
func (p *Pass) JudgeCloses(r CloseRule, report func(Finding)) {
	for f := range p.Funcs {
		for _, c := range f.Conns {
			if !(c.Owned() || r.Shared && c.Shared()) || !c.IsStream() || r.Judges != nil && !r.Judges(c) {
				continue
			}
			reported := map[token.Pos]bool{}
			for _, close := range c.EventsOf(connflow.Close) {
				if reported[close.Pos] || close.Concurrent && !r.Concurrent {
					continue
				}
				var chosen *Finding
				for path := range c.Paths(close) {
					if e := r.Verdict(path); e != nil {
						if f := (Finding{path, e}); chosen == nil || r.before(f, *chosen) {
							chosen = &f
						}
					}
				}
				if chosen != nil {
					reported[close.Pos] = true
					report(*chosen)
				}
			}
		}
	}
}

// before is the order in which the condemned paths of one Close are
// chosen to be reported, so that the same code gets the same message and
// fix on every run: the path whose fix must do the most (Need) first;
// then the one whose culprit comes first in the source; then the shorter
// history; then the one whose events were made first.
func (r CloseRule) before(a, b Finding) bool {
	if r.Need != nil {
		if na, nb := r.Need(a), r.Need(b); na != nb {
			return na > nb
		}
	}
	if a.Culprit.Pos != b.Culprit.Pos {
		return a.Culprit.Pos < b.Culprit.Pos
	}
	if a.Culprit.ID != b.Culprit.ID {
		return a.Culprit.ID < b.Culprit.ID
	}
	if len(a.Events) != len(b.Events) {
		return len(a.Events) < len(b.Events)
	}
	for i := range a.Events {
		if a.Events[i].ID != b.Events[i].ID {
			return a.Events[i].ID < b.Events[i].ID
		}
	}
	return false
}
