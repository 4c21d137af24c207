package probe

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"
)

// The join operator. A function that starts goroutines to copy into a
// conn and closes the conn after waiting for them (a proxy joining its
// two copies) does the right thing: a Close while a copy still runs
// resets the peer and loses what the copy had not delivered
// (docs/ground-truth.md, experiments 1 and 6). The mutant removes the
// waits, so the Close no longer waits for the copies: writeclose should
// report it ("closed while a goroutine ... may still be copying into
// it"). It tests the model's joins (issue 15) on real proxies.
//
// A wait is a receive from a channel, or a Wait of a sync.WaitGroup or
// errgroup.Group, that a started goroutine can signal: the channel or
// group is named in the go statement (an argument, or captured by the
// closure it starts). Waits inside a select are left alone (a select
// that also watches a context is an abort, which teardown does not
// report), and so is a function with no wait outside one.

// opJoin removes the waits for a function's copy goroutines: writeclose.
const opJoin = "join"

// kWait is the kind of a wait op.
const kWait = "wait"

// joinSite returns the join site of a function: the first Close, after
// its last copy goroutine starts, of a conn such a goroutine writes into,
// with the waits between them removed.
func (sf *siteFinder) joinSite(fd *ast.FuncDecl, ops []*op) (site, bool) {
	gos := sf.starts(fd.Body)
	if len(gos) == 0 {
		return site{}, false
	}
	written := map[string]bool{}
	var last ast.Node
	for _, g := range gos {
		for _, o := range ops {
			if o.kind == kWrite && g.Pos() <= o.pos && o.pos < g.End() {
				written[o.key] = true
				last = g
			}
		}
	}
	if last == nil {
		return site{}, false
	}
	var target *op
	for _, o := range ops {
		if o.kind == kClose && !o.helper && !o.gor && written[o.key] && (o.defer_ || o.pos > last.End()) {
			if target == nil || !o.defer_ && (target.defer_ || o.pos < target.pos) {
				target = o
			}
		}
	}
	if target == nil {
		return site{}, false
	}
	end := target.pos
	if target.defer_ {
		end = fd.End()
	}
	waits := sf.waits(fd.Body, gos, last.End(), end)
	if len(waits) == 0 {
		return site{}, false
	}
	s := sf.removeSite(opJoin, "writeclose", target, waits...)
	s.rec.Shape = shapeGoroutine
	return s, true
}

// starts returns what starts a goroutine in body, outside nested
// function literals (a closure's goroutines are the closure's): go
// statements, and the Go method of a sync.WaitGroup or errgroup.Group.
func (sf *siteFinder) starts(body *ast.BlockStmt) []ast.Node {
	var out []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			out = append(out, n)
			return false
		case *ast.CallExpr:
			if isGroupMethod(sf.info, n, "Go") {
				out = append(out, n)
				return false
			}
		}
		return true
	})
	return out
}

// waits returns the waits in body between from and to (outside go
// statements, function literals and selects) on a channel or group that
// one of the go statements names.
func (sf *siteFinder) waits(body *ast.BlockStmt, gos []ast.Node, from, to token.Pos) []*op {
	signalled := func(e ast.Expr) bool {
		k := keyOf(sf.info, e)
		return k != "" && slices.ContainsFunc(gos, func(g ast.Node) bool { return sf.names(g, k) })
	}
	var out []*op
	stack := []ast.Node{}
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.SelectStmt:
			// A start's own code, and a select (an abort watch).
			stack = stack[:len(stack)-1]
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && n.Pos() > from && n.End() <= to && signalled(n.X) {
				out = append(out, sf.waitOp(n, stack))
			}
		case *ast.CallExpr:
			if n.Pos() > from && n.End() <= to && isGroupMethod(sf.info, n, "Wait") && signalled(n.Fun.(*ast.SelectorExpr).X) {
				out = append(out, sf.waitOp(n, stack))
			}
		}
		return true
	})
	return out
}

// waitOp is the op that removes the wait x: its statement when it is all
// the statement does, else the expression (replaced by its zero value).
func (sf *siteFinder) waitOp(x ast.Expr, stack []ast.Node) *op {
	o := &op{kind: kWait, pos: x.Pos(), remove: x, stack: slices.Clone(stack)}
	if len(stack) > 1 {
		if es, ok := stack[len(stack)-2].(*ast.ExprStmt); ok && es.X == x {
			o.remove = es
		}
	}
	if call, ok := x.(*ast.CallExpr); ok {
		o.call = call
	}
	return o
}

// names reports whether the start g names the variable with key k: as an
// argument of the call it starts, inside the closure it starts, or as the
// group whose Go it is.
func (sf *siteFinder) names(g ast.Node, k string) bool {
	found := false
	ast.Inspect(g, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && keyOf(sf.info, e) == k {
			found = true
		}
		return !found
	})
	return found
}

// isGroupMethod reports whether call is the method name (Wait, Go) of a
// sync.WaitGroup or an errgroup.Group.
func isGroupMethod(info *types.Info, call *ast.CallExpr, name string) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Name() != name || fn.Pkg() == nil {
		return false
	}
	if _, ok := call.Fun.(*ast.SelectorExpr); !ok {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	_, typ := named(recv.Type())
	switch fn.Pkg().Path() + "." + typ {
	case "sync.WaitGroup", "golang.org/x/sync/errgroup.Group":
		return true
	}
	return false
}
