// Package probe is the analyzer behind the evaluation's truth instruments
// (scripts/eval/truth.sh): it reports, as JSON diagnostics, what
// teardown's model decided about every Close of a socket in library code
// (the judged fraction), every SO_LINGER setting, and, with -sites, the
// mutation sites of the package (mutation recall). It reports no bugs.
//
// Diagnostics have the category "close", "linger" or "site" and a JSON
// message (see record). Positions in messages are byte offsets in the
// diagnostic's file. _test.go files are left out, as teardown's default
// configuration leaves them out.
package probe

import (
	"encoding/json"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Analyzer is the probe.
var Analyzer = &analysis.Analyzer{
	Name:       "truthprobe",
	Doc:        "report what teardown's model decided at each Close of a socket, and the package's mutation sites (evaluation only)",
	Run:        run,
	Requires:   []*analysis.Analyzer{modelAnalyzer},
	ResultType: reflect.TypeFor[struct{}](),
}

var withSites bool

func init() {
	Analyzer.Flags.BoolVar(&withSites, "sites", false, "also report the mutation sites of each package")
}

// A record is the JSON message of a probe diagnostic.
type record struct {
	Kind string `json:"k"` // "close", "linger" or "site"
	Off  int    `json:"off"`
	// close: the model's verdict and the shape of the closed value.
	Shape  string `json:"shape,omitempty"`
	Type   string `json:"type,omitempty"`
	Reason string `json:"reason,omitempty"` // "judged", or why not (adapter.go)
	At     []int  `json:"at,omitempty"`     // offsets where the model may place the Close
	// linger: whether the model found the setting.
	Tracked bool `json:"tracked,omitempty"`
	// site: the mutation.
	Op      string   `json:"op,omitempty"`      // closewrite-drain, drain, flush, linger-comment, insert-linger
	Rule    string   `json:"rule,omitempty"`    // the rule that must report
	Target  int      `json:"target,omitempty"`  // offset of the Close (or SetLinger) it must report at, before the edits
	Targets []int    `json:"targets,omitempty"` // all offsets that count as that Close, before the edits
	Edits   []edit   `json:"edits,omitempty"`
	Func    string   `json:"func,omitempty"`  // the enclosing declared function
	Reach   []string `json:"reach,omitempty"` // package functions it calls, transitively
	Invalid string   `json:"invalid,omitempty"`
	// Excluded: why no rule is expected to report the mutant.
	Excluded string `json:"excluded,omitempty"`
}

// Record is the JSON message of a probe diagnostic, for its readers.
type Record = record

// An Edit replaces [Off, End) of the file with New.
type Edit = edit

// An edit replaces [Off, End) of the file with New.
type edit struct {
	Off int    `json:"off"`
	End int    `json:"end"`
	New string `json:"new"`
}

func run(pass *analysis.Pass) (any, error) {
	p := &prober{pass: pass, m: modelOf(pass)}
	var files []*ast.File
	for _, f := range pass.Files {
		if strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go") {
			// A test variant: its library files are the package's own,
			// which the package's own pass reports.
			return struct{}{}, nil
		}
		files = append(files, f)
	}
	p.sock = newSockets(pass.TypesInfo, files)
	p.modPath = pass.Pkg.Path()
	if pass.Module != nil && pass.Module.Path != "" {
		p.modPath = pass.Module.Path
	}
	for _, f := range files {
		p.file(f)
	}
	return struct{}{}, nil
}

type prober struct {
	pass    *analysis.Pass
	m       model
	sock    *sockets
	modPath string
	sites   *siteFinder
}

func (p *prober) report(pos token.Pos, r record) {
	msg, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	p.pass.Report(analysis.Diagnostic{Pos: pos, Category: r.Kind, Message: string(msg)})
}

func (p *prober) off(pos token.Pos) int { return p.pass.Fset.File(pos).Offset(pos) }

// file reports the Close and linger records of one file, and its sites.
func (p *prober) file(f *ast.File) {
	var stack []ast.Node
	var decls []*ast.FuncDecl
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		if fd, ok := n.(*ast.FuncDecl); ok && fd.Body != nil {
			decls = append(decls, fd)
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch {
		case sel.Sel.Name == "Close" && len(call.Args) == 0 && p.isMethod(sel) && p.sock.holds(sel.X) && !datagram(p.pass.TypesInfo.TypeOf(sel.X)):
			at := closePositions(call, stack)
			offs := make([]int, len(at))
			for i, a := range at {
				offs[i] = p.off(a)
			}
			p.report(call.Lparen, record{Kind: "close", Off: p.off(call.Lparen), At: offs,
				Shape: p.shape(sel.X, stack), Type: p.typeString(sel.X), Reason: p.m.closeState(at)})
		case isLingerCall(p.pass.TypesInfo, call, sel):
			p.report(call.Lparen, record{Kind: "linger", Off: p.off(call.Lparen), Tracked: p.m.lingerTracked(call.Lparen)})
		}
		return true
	})
	if withSites {
		sf := newSiteFinder(p, f)
		for _, fd := range decls {
			for _, s := range sf.sites(fd) {
				p.report(s.pos, s.rec)
			}
		}
	}
}

// datagram reports whether t is a socket type without a TCP teardown
// (UDP, raw IP, a packet conn, QUIC): a value of it may be held by the
// flow-insensitive propagation (asserted from a net.Conn, say), but its
// Close is no stream teardown to judge, so it is not in the population.
func datagram(t types.Type) bool {
	pkg, name := named(t)
	switch pkg + "." + name {
	case "net.UDPConn", "net.IPConn", "net.PacketConn", "crypto/tls.QUICConn":
		return true
	}
	return false
}

func (p *prober) isMethod(sel *ast.SelectorExpr) bool {
	s := p.pass.TypesInfo.Selections[sel]
	return s != nil && s.Kind() == types.MethodVal
}

func (p *prober) typeString(e ast.Expr) string {
	t := p.pass.TypesInfo.TypeOf(e)
	if t == nil {
		return ""
	}
	return types.TypeString(t, func(pkg *types.Package) string { return pkg.Path() })
}

// closePositions returns where the model may place the events of the
// Close call: the call; the defer or go statement that runs it; and, for
// each closure around it, the call, defer or go statement that runs the
// closure (or the call it is handed to).
func closePositions(call *ast.CallExpr, stack []ast.Node) []token.Pos {
	at := []token.Pos{call.Lparen}
	// stack ends with call.
	var inner ast.Node = call
	for i := len(stack) - 2; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.DeferStmt:
			if n.Call == inner {
				at = append(at, n.Pos())
			}
		case *ast.GoStmt:
			if n.Call == inner {
				at = append(at, n.Pos())
			}
		case *ast.CallExpr:
			if _, isLit := inner.(*ast.FuncLit); isLit {
				at = append(at, n.Lparen)
				inner = n
				continue
			}
		case *ast.FuncDecl:
			return at
		}
		inner = stack[i]
	}
	return at
}

// isLingerCall reports whether call sets SO_LINGER: x.SetLinger(n), or
// syscall/unix SetsockoptLinger.
func isLingerCall(info *types.Info, call *ast.CallExpr, sel *ast.SelectorExpr) bool {
	switch sel.Sel.Name {
	case "SetLinger":
		return len(call.Args) == 1
	case "SetsockoptLinger":
		if obj, ok := info.Uses[sel.Sel].(*types.Func); ok && obj.Pkg() != nil {
			path := obj.Pkg().Path()
			return path == "syscall" || path == "golang.org/x/sys/unix"
		}
	}
	return false
}

// Shapes of the value at a Close (or SetLinger), in the order in which
// they take precedence: a value in a goroutine or shared with one
// (proxy copies) is "goroutine" whatever it is, and so on.
const (
	shapeGoroutine = "goroutine or proxy copy"
	shapeHelper    = "inside a helper"
	shapeField     = "struct field"
	shapeWrapper   = "project's wrapper type"
	shapeIO        = "io interface type"
	shapeParam     = "parameter"
	shapeLocal     = "local variable"
)

// shapeOrder lists the shapes for reports.
var shapeOrder = []string{shapeLocal, shapeParam, shapeField, shapeIO, shapeWrapper, shapeHelper, shapeGoroutine}

// ShapeOrder returns the shapes in report order.
func ShapeOrder() []string { return append([]string(nil), shapeOrder...) }

// shape classifies the value x at a call whose syntax ancestors are
// stack (outermost first).
func (p *prober) shape(x ast.Expr, stack []ast.Node) string {
	info := p.pass.TypesInfo
	var root *ast.FuncDecl
	for _, n := range stack {
		switch n := n.(type) {
		case *ast.FuncDecl:
			root = n
		case *ast.GoStmt:
			return shapeGoroutine // in a go statement, or a closure it runs
		}
	}
	k := keyOf(info, x)
	if root != nil && k != "" {
		shared := false
		ast.Inspect(root.Body, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				ast.Inspect(g, func(n ast.Node) bool {
					if e, ok := n.(ast.Expr); ok && keyOf(info, e) == k {
						shared = true
					}
					return !shared
				})
			}
			return !shared
		})
		if shared {
			return shapeGoroutine
		}
	}
	x = ast.Unparen(x)
	if sel, ok := x.(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
			return shapeField
		}
	}
	t := info.TypeOf(x)
	if !connType(t) {
		if pkg, _ := named(t); pkg != "" && (pkg == p.modPath || strings.HasPrefix(pkg, p.modPath+"/")) {
			return shapeWrapper
		}
		if t != nil {
			if _, ok := t.Underlying().(*types.Interface); ok {
				return shapeIO
			}
		}
	}
	if id, ok := x.(*ast.Ident); ok {
		if v, ok := info.ObjectOf(id).(*types.Var); ok && isParam(v, stack, info) {
			return shapeParam
		}
	}
	return shapeLocal
}

// isParam reports whether v is a parameter or receiver of a function
// around the call.
func isParam(v *types.Var, stack []ast.Node, info *types.Info) bool {
	for _, n := range stack {
		var sig *types.Signature
		switch n := n.(type) {
		case *ast.FuncDecl:
			if fn, ok := info.Defs[n.Name].(*types.Func); ok {
				sig = fn.Signature()
			}
		case *ast.FuncLit:
			sig, _ = info.TypeOf(n).(*types.Signature)
		}
		if sig == nil {
			continue
		}
		if sig.Recv() == v {
			return true
		}
		for pv := range sig.Params().Variables() {
			if pv == v {
				return true
			}
		}
	}
	return false
}
