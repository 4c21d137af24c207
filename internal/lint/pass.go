package lint

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"runtime/debug"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/source"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Pass is what a rule's run function gets: the analysis pass, the conn
// model, and the one way to report.
type Pass struct {
	*analysis.Pass
	Rule  *Doc
	Model *connflow.Result

	directives []*Directive // parsed on first use: most packages report nothing
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

// NewAnalyzer makes the analyzer of a rule. The rule's run function walks
// the model and calls p.Report; NewAnalyzer adds the model as a
// requirement, the documentation, the suppression directives, and the
// recovery of panics into errors.
func NewAnalyzer(doc *Doc, run func(p *Pass)) *analysis.Analyzer {
	register(doc)
	a := &analysis.Analyzer{
		Name:       doc.Name,
		Doc:        doc.AnalyzerDoc(),
		URL:        doc.URL(),
		Requires:   []*analysis.Analyzer{connflow.Analyzer},
		ResultType: reflect.TypeFor[*Outcome](),
	}
	a.Run = func(pass *analysis.Pass) (res any, err error) {
		p := &Pass{
			Pass:    pass,
			Rule:    doc,
			Model:   pass.ResultOf[connflow.Analyzer].(*connflow.Result),
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
	if !connflow.Tests && connflow.IsTestFile(posn.Filename) {
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
func (p *Pass) Directives() []*Directive {
	if !p.parsed {
		p.directives, p.parsed = ParseDirectives(p.Fset, p.Files), true
	}
	return p.directives
}

// Directive returns a well-formed directive with the verb that covers pos,
// and marks it used.
func (p *Pass) Directive(verb string, pos token.Pos) *Directive {
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
	f := p.File(pos)
	if f == nil {
		return ""
	}
	line := p.Fset.Position(pos).Line
	for _, cg := range f.Comments {
		end := p.Fset.Position(cg.End()).Line
		start := p.Fset.Position(cg.Pos())
		if end != line-1 || start.Line >= line {
			continue
		}
		// The parsed file, not start.Filename: in a file cgo rewrote, a
		// //line directive maps positions to the original, whose offsets differ.
		tf := p.Fset.File(cg.Pos())
		if src, err := p.ReadFile(tf.Name()); err == nil && tf.Size() == len(src) {
			off := tf.Offset(cg.Pos())
			ls := off
			for ls > 0 && src[ls-1] != '\n' {
				ls--
			}
			if strings.TrimSpace(string(src[ls:off])) != "" {
				return "" // a trailing comment of the line above
			}
		}
		return cg.Text()
	}
	return ""
}

// A CloseFinding is a Close site that a rule's verdict condemns: the
// first path reaching it on which the verdict returned an event.
type CloseFinding struct {
	Conn    *connflow.Conn
	Close   *connflow.Event
	Culprit *connflow.Event  // what the verdict returned (the last write, the abandoned read, ...)
	Path    connflow.History // the events before the Close on that path
}

// Closes is the loop every Close rule shares: for each owned stream conn
// that keep accepts, each Close site (a position) is judged on the paths
// that reach it, in order, and reported at most once. A Close inside a
// goroutine started by the function is judged only by rules that accept
// concurrent closes.
func (p *Pass) Closes(keep func(*connflow.Conn) bool, concurrent bool,
	verdict func(c *connflow.Conn, h connflow.History, close *connflow.Event) *connflow.Event,
	report func(CloseFinding)) {
	for f := range p.Funcs {
		for _, c := range f.Conns {
			if !c.Owned() || !c.IsConn() || !keep(c) {
				continue
			}
			reported := map[token.Pos]bool{}
			for _, close := range c.EventsOf(connflow.Close) {
				if reported[close.Pos] || close.Concurrent && !concurrent {
					continue
				}
				for _, h := range c.Reaching[close] {
					if e := verdict(c, h, close); e != nil {
						reported[close.Pos] = true
						report(CloseFinding{c, close, e, h})
						break
					}
				}
			}
		}
	}
}
