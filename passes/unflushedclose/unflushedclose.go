package unflushedclose

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports a Close reached while buffered writes are unflushed.
var Analyzer = New(connflow.Analyzer)

// New returns an unflushedclose analyzer over the connflow analyzer model.
func New(model *analysis.Analyzer) *analysis.Analyzer { return lint.NewAnalyzer(model, doc, run) }

// unflushed returns the last buffered write on h that no write to the
// conn (a Flush) follows, or nil.
func unflushed(h connflow.History) *connflow.Event {
	lb := h.Last(connflow.BufWrite)
	if lb < 0 || h.After(lb, connflow.Write, connflow.Failed, connflow.Close) {
		return nil
	}
	return h[lb]
}

// verdict returns the unflushed buffered write before the Close, unless a
// helper did both (it is judged on its own).
func verdict(p connflow.Path) *connflow.Event {
	if w := unflushed(p.Events); w != nil && !connflow.SameCall(w, p.At) {
		return w
	}
	return nil
}

func run(p *lint.Pass) {
	// Bytes this function buffered and never flushed are lost at its
	// Close whatever another goroutine does with the conn: shared
	// conns are judged too.
	p.JudgeCloses(lint.CloseRule{Verdict: verdict, Shared: true}, func(f lint.Finding) { report(p, f.At, f.Culprit) })
}

func report(p *lint.Pass, close, write *connflow.Event) {
	d := analysis.Diagnostic{
		Pos: close.Pos,
		Message: fmt.Sprintf("conn is closed while a buffered write (line %d) is unflushed: the buffered bytes are dropped "+
			"and the peer sees a clean EOF; Flush before Close", p.Fset.Position(write.Pos).Line),
	}
	if f, ok := flushFix(p, close, write); ok {
		d.SuggestedFixes = []analysis.SuggestedFix{f}
	}
	p.Report(d)
}

// flushFix inserts `_ = W.Flush()` before the Close, where W is the
// writer of the unflushed write, when W is a variable in scope at the
// Close (or a field of one: writerVar). The error is discarded explicitly, as errcheck accepts: the
// buffered writes before it discarded theirs, and a Flush that fails has
// lost the bytes whatever the caller does.
func flushFix(p *lint.Pass, close, write *connflow.Event) (analysis.SuggestedFix, bool) {
	wci, ok := write.Instr.(ssa.CallInstruction)
	if !ok || write.Operand < 0 && write.Into == nil {
		return analysis.SuggestedFix{}, false
	}
	wcall, _ := fix.CallExpr(p, wci.Common().Pos())
	if wcall == nil {
		return analysis.SuggestedFix{}, false
	}
	if write.Into != nil {
		// s.framer.writeGoAway(...), whose framer writes into s.bw:
		// flush s.bw.
		name, obj, ok := intoField(p, wcall, write)
		if !ok || !hasFlush(write.Into.Type()) {
			return analysis.SuggestedFix{}, false
		}
		return flushBefore(p, close, name, obj)
	}
	e := fix.Operand(p, wcall, write.Operand)
	if e != nil && !hasFlush(p.TypesInfo.TypeOf(e)) {
		e = encoderWriter(p, wci, write.Operand) // json.NewEncoder(bw).Encode: flush bw
		if e == nil {
			e = bufferBeside(p, wcall, wci, write.Operand) // helper(c, bufio.NewWriter(c)): flush the writer
		}
	}
	if e == nil || !hasFlush(p.TypesInfo.TypeOf(e)) {
		// A writer viewed as an io.Writer (var w io.Writer = bw):
		// w.Flush() would not build.
		return analysis.SuggestedFix{}, false
	}
	name, obj, ok := writerVar(p, e)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	return flushBefore(p, close, name, obj)
}

// flushBefore inserts `_ = name.Flush()` before the Close, if obj, the
// variable name starts with, is in scope there.
func flushBefore(p *lint.Pass, close *connflow.Event, name string, obj *types.Var) (analysis.SuggestedFix, bool) {
	site, ok := fix.SiteOf(p, close)
	if !ok || obj.Parent() == nil || !obj.Parent().Contains(site.Stmt.Pos()) || obj.Pos() > site.Stmt.Pos() {
		return analysis.SuggestedFix{}, false
	}
	msg := "Flush " + name + " before Close"
	if site.Defer != nil {
		return analysis.SuggestedFix{Message: msg, TextEdits: []analysis.TextEdit{
			fix.DeferWith(p, site, []string{"_ = " + name + ".Flush()"}),
		}}, true
	}
	return analysis.SuggestedFix{
		Message:   msg,
		TextEdits: fix.InsertBefore(p, site.Stmt, []string{"_ = " + name + ".Flush()"}, nil),
	}, true
}

// intoField names the field a write through an object held in a field
// lands in (connflow's Event.Into): for `s.framer.writeGoAway(...)`,
// whose framer writes into s.bw, "s.bw", from the call's operand
// s.framer, a field of the variable s, which it returns too.
func intoField(p *lint.Pass, call *ast.CallExpr, write *connflow.Event) (string, *types.Var, bool) {
	sel, ok := ast.Unparen(fix.Operand(p, call, write.IntoOperand)).(*ast.SelectorExpr)
	if !ok {
		return "", nil, false
	}
	x, obj, ok := fieldOfVar(p, sel)
	if !ok {
		return "", nil, false
	}
	return x.Name + "." + write.Into.Name(), obj, true
}

// fieldOfVar returns x and its variable for sel, a field x.f of a
// variable x.
func fieldOfVar(p *lint.Pass, sel *ast.SelectorExpr) (*ast.Ident, *types.Var, bool) {
	if s, ok := p.TypesInfo.Selections[sel]; !ok || s.Kind() != types.FieldVal {
		return nil, nil, false
	}
	x, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil, nil, false
	}
	obj, ok := p.TypesInfo.Uses[x].(*types.Var)
	return x, obj, ok
}

// writerVar returns how the fix names the writer e, and the variable
// that must be in scope at the Close: a variable w, or a field x.f of a
// variable x (a buffered writer kept in the object's field over its
// conn, which the model joined to the conn only where the function does
// not assign the field).
func writerVar(p *lint.Pass, e ast.Expr) (string, *types.Var, bool) {
	e = ast.Unparen(e)
	if sel, ok := e.(*ast.SelectorExpr); ok {
		x, obj, ok := fieldOfVar(p, sel)
		if !ok {
			return "", nil, false
		}
		return x.Name + "." + sel.Sel.Name, obj, true
	}
	w, ok := e.(*ast.Ident)
	if !ok {
		return "", nil, false
	}
	obj, ok := p.TypesInfo.Uses[w].(*types.Var)
	return w.Name, obj, ok
}

// hasFlush reports whether t has a Flush method.
func hasFlush(t types.Type) bool {
	if t == nil {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Flush")
	_, ok := obj.(*types.Func)
	return ok
}

// encoderWriter returns the writer argument of the constructor of
// operand i of call, an encoder made over a buffered writer
// (json.NewEncoder(bw)): the model records its Encode as a buffered
// write only when that construction is in the function.
//
// A helper given the encoder beside a reader over the same conn
// (handle(r, dec, enc)) has one summary for the conn, which may speak
// for another operand than the encoder: the call's other operands are
// tried after operand i.
func encoderWriter(p *lint.Pass, call ssa.CallInstruction, i int) ast.Expr {
	c := call.Common()
	if c.IsInvoke() || i >= len(c.Args) {
		return nil
	}
	order := append([]int{i}, make([]int, 0, len(c.Args))...)
	for j := range c.Args {
		if j != i {
			order = append(order, j)
		}
	}
	for _, j := range order {
		if e := constructorWriter(p, c.Args[j]); e != nil && hasFlush(p.TypesInfo.TypeOf(e)) {
			return e
		}
	}
	return nil
}

// constructorWriter returns the first argument of the call that made v,
// the writer of an encoder constructor, or nil.
func constructorWriter(p *lint.Pass, v ssa.Value) ast.Expr {
	if x, ok := connflow.Unconvert(v).(*ssa.Call); ok {
		if ctor, _ := fix.CallExpr(p, x.Pos()); ctor != nil && len(ctor.Args) > 0 {
			return ctor.Args[0]
		}
	}
	return nil
}

// bufferBeside returns the operand of call that is a writer with a Flush
// method made over operand i (helper(c, bufio.NewWriter(c))), or nil. A
// helper whose parameters every call passes as views of one conn has one
// summary for them (connflow, aliases), which may speak for the conn
// rather than for the writer that buffers it.
func bufferBeside(p *lint.Pass, wcall *ast.CallExpr, call ssa.CallInstruction, i int) ast.Expr {
	c := call.Common()
	if c.IsInvoke() || i >= len(c.Args) {
		return nil
	}
	conn := connflow.Unconvert(c.Args[i])
	for j, a := range c.Args {
		made, ok := connflow.Unconvert(a).(*ssa.Call)
		if j == i || !ok || len(made.Call.Args) == 0 || connflow.Unconvert(made.Call.Args[0]) != conn {
			continue
		}
		if e := fix.Operand(p, wcall, j); e != nil && hasFlush(p.TypesInfo.TypeOf(e)) {
			return e
		}
	}
	return nil
}
