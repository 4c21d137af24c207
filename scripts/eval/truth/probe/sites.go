package probe

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Mutation operators. Each site is a place where library code does the
// right thing around a Close; its mutant undoes exactly that.
const (
	opCloseWriteDrain = "closewrite-drain" // remove a CloseWrite and the drain after it: writeclose
	opDrain           = "drain"            // remove a drain (read to EOF) before Close: unreadclose or writeclose
	opFlush           = "flush"            // remove a bufio Flush before Close: unflushedclose
	opLingerComment   = "linger-comment"   // remove the comment that justifies SetLinger(0): lingerzero
	opInsertLinger    = "insert-linger"    // insert SetLinger(0) before a Close after writes and reads: lingerzero
)

// Operators returns the mutation operators in report order.
func Operators() []string {
	return []string{opCloseWriteDrain, opDrain, opFlush, opJoin, opLingerComment, opInsertLinger}
}

// Kinds of operations on a conn, as the site finder sees them in syntax.
const (
	kWrite      = "write"
	kRead       = "read"
	kDrain      = "drain"
	kCloseWrite = "closewrite"
	kFlush      = "flush"
	kClose      = "close"
)

// An op is one operation on a conn in a function's source.
type op struct {
	kind   string
	key    string // the conn (keyOf), after aliases
	pos    token.Pos
	call   *ast.CallExpr // nil for a read loop
	remove ast.Node      // what a mutant removes: a statement, or the call (replaced by zero values)
	helper bool          // done by a package function the call runs
	defer_ bool          // a deferred Close
	gor    bool          // inside a go statement
	x      ast.Expr      // the conn expression (Close, SetLinger)
	stack  []ast.Node    // ancestors of call, for Close
}

type site struct {
	pos token.Pos
	rec record
}

// siteFinder finds the mutation sites of one file.
type siteFinder struct {
	p     *prober
	f     *ast.File
	tf    *token.File
	src   []byte
	info  *types.Info
	decls map[*types.Func]*ast.FuncDecl
	// helperOps memoizes, per package function, the kinds of ops it does
	// on each parameter ("p0", "p1", ...) and receiver field path ("r.f").
	helperOps map[*types.Func]map[string][]string
	reach     map[*types.Func][]string
}

func newSiteFinder(p *prober, f *ast.File) *siteFinder {
	src, _ := p.pass.ReadFile(p.pass.Fset.File(f.Pos()).Name())
	sf := &siteFinder{p: p, f: f, tf: p.pass.Fset.File(f.Pos()), src: src, info: p.pass.TypesInfo,
		decls: map[*types.Func]*ast.FuncDecl{}, helperOps: map[*types.Func]map[string][]string{},
		reach: map[*types.Func][]string{}}
	for _, file := range p.pass.Files {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := sf.info.Defs[fd.Name].(*types.Func); ok {
					sf.decls[fn] = fd
				}
			}
		}
	}
	return sf
}

// keyOf names the conn an expression denotes: a variable, or a field
// path from one, seen through parentheses, dereferences, type
// assertions, conversions and byte wrappers (bufio.NewReader(c) is c).
// "" when it names none.
func keyOf(info *types.Info, e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if obj := info.ObjectOf(e); obj != nil {
			return fmt.Sprintf("%s@%d", e.Name, obj.Pos())
		}
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil {
			if s.Kind() == types.FieldVal {
				if b := keyOf(info, e.X); b != "" {
					return b + "." + e.Sel.Name
				}
			}
			return ""
		}
		if obj, ok := info.Uses[e.Sel].(*types.Var); ok {
			return obj.Pkg().Path() + "." + obj.Name()
		}
	case *ast.StarExpr:
		return keyOf(info, e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return keyOf(info, e.X)
		}
	case *ast.TypeAssertExpr:
		return keyOf(info, e.X)
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return keyOf(info, e.Args[0])
		}
		if wrapsArg(info, e) {
			return keyOf(info, e.Args[0])
		}
		if w := wrapsSecond(info, e); w != nil {
			return keyOf(info, w)
		}
	}
	return ""
}

// wrapsArg reports whether call builds a byte wrapper over its first
// argument (bufio.NewReader(c), tls.Client(c, cfg), ...).
func wrapsArg(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || len(call.Args) == 0 {
		return false
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "bufio.NewReader", "bufio.NewReaderSize", "bufio.NewWriter", "bufio.NewWriterSize", "bufio.NewScanner",
		"net/textproto.NewConn", "net/textproto.NewReader", "net/textproto.NewWriter",
		"encoding/json.NewEncoder", "encoding/json.NewDecoder", "encoding/gob.NewEncoder", "encoding/gob.NewDecoder",
		"crypto/tls.Client", "crypto/tls.Server", "io.LimitReader":
		return true
	}
	return false
}

// wrapsSecond returns the writer side of bufio.NewReadWriter(r, w).
func wrapsSecond(info *types.Info, call *ast.CallExpr) ast.Expr {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if ok && fn.Pkg() != nil && fn.Pkg().Path() == "bufio" && fn.Name() == "NewReadWriter" && len(call.Args) == 2 {
		return call.Args[1]
	}
	return nil
}

// funcOps lists the ops of a function's body in source order (closures
// included), with the keys of local aliases resolved (w := bufio.NewWriter(c)
// makes w's ops c's).
func (sf *siteFinder) funcOps(fd *ast.FuncDecl) []*op {
	info := sf.info
	alias := map[string]string{}
	canon := func(e ast.Expr) string {
		k := keyOf(info, e)
		for i := 0; i < 8; i++ {
			a, ok := alias[k]
			if !ok {
				// A field path from an alias: w.f where w aliases c.
				if j := strings.Index(k, "."); j > 0 {
					if b, ok := alias[k[:j]]; ok {
						k = b + k[j:]
						continue
					}
				}
				break
			}
			k = a
		}
		return k
	}
	// Aliases: v := c, v := bufio.NewWriter(c), cw, ok := c.(interface{ CloseWrite() error }).
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		var lhs, rhs []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			lhs, rhs = n.Lhs, n.Rhs
		case *ast.ValueSpec:
			for _, id := range n.Names {
				lhs = append(lhs, id)
			}
			rhs = n.Values
		default:
			return true
		}
		if len(rhs) == 1 && len(lhs) >= 1 {
			if id, ok := lhs[0].(*ast.Ident); ok && id.Name != "_" {
				if k := keyOf(info, rhs[0]); k != "" {
					if lk := keyOf(info, id); lk != "" && lk != k {
						alias[lk] = k
					}
				}
			}
		}
		return true
	})
	var ops []*op
	stack := []ast.Node{fd} // ancestors, from the declaration
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		inGo := slices.ContainsFunc(stack, func(n ast.Node) bool { _, ok := n.(*ast.GoStmt); return ok })
		switch n := n.(type) {
		case *ast.ForStmt:
			if k := sf.readLoop(n, canon); k != "" {
				var rm ast.Node = n
				if len(stack) > 1 {
					if l, ok := stack[len(stack)-2].(*ast.LabeledStmt); ok {
						rm = l
					}
				}
				ops = append(ops, &op{kind: kDrain, key: k, pos: n.Pos(), remove: rm, gor: inGo})
				return false // its reads are the drain
			}
		case *ast.CallExpr:
			for _, o := range sf.callOps(n, canon) {
				o.pos, o.call, o.gor = n.Lparen, n, inGo
				o.stack = slices.Clone(stack)
				o.remove = sf.removal(n, stack)
				if o.kind == kClose && len(stack) > 1 {
					if d, ok := stack[len(stack)-2].(*ast.DeferStmt); ok && d.Call == n {
						o.defer_ = true
					}
				}
				if o.kind == kCloseWrite && !o.helper {
					if ifs := assertIf(stack, n); ifs != nil {
						o.remove = ifs
					}
				}
				ops = append(ops, o)
			}
		}
		return true
	})
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].pos < ops[j].pos })
	return ops
}

// assertIf returns `if cw, ok := c.(interface{ CloseWrite() error }); ok { cw.CloseWrite() }`
// around the CloseWrite call, when that is all the statement does.
func assertIf(stack []ast.Node, call *ast.CallExpr) *ast.IfStmt {
	for i := len(stack) - 1; i >= 0; i-- {
		ifs, ok := stack[i].(*ast.IfStmt)
		if !ok {
			continue
		}
		as, ok := ifs.Init.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || ifs.Else != nil || len(ifs.Body.List) != 1 {
			return nil
		}
		if _, ok := ast.Unparen(as.Rhs[0]).(*ast.TypeAssertExpr); !ok {
			return nil
		}
		found := false
		ast.Inspect(ifs.Body, func(n ast.Node) bool {
			found = found || n == call
			return !found
		})
		if found {
			return ifs
		}
		return nil
	}
	return nil
}

// callOps classifies one call: the ops it does, on which conns.
func (sf *siteFinder) callOps(call *ast.CallExpr, canon func(ast.Expr) string) []*op {
	info := sf.info
	one := func(kind string, e ast.Expr) []*op {
		if k := canon(e); k != "" {
			return []*op{{kind: kind, key: k, x: e}}
		}
		return nil
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			switch sel.Sel.Name {
			case "Close":
				if len(call.Args) == 0 && sf.p.sock.holds(sel.X) {
					return one(kClose, sel.X)
				}
			case "CloseWrite":
				return one(kCloseWrite, sel.X)
			case "Flush":
				// bufio's, or any other buffered writer kept with the
				// conn (a project's own): the mutant tells whether the
				// model sees the buffer.
				if t := info.TypeOf(sel.X); len(call.Args) == 0 && t != nil {
					if w, _, _ := types.LookupFieldOrMethod(t, true, nil, "Write"); w != nil {
						return one(kFlush, sel.X)
					}
				}
			case "Write", "WriteString", "WriteByte", "WriteRune", "ReadFrom", "Encode", "PrintfLine", "Writef":
				return one(kWrite, sel.X)
			case "Read", "ReadString", "ReadBytes", "ReadLine", "ReadByte", "ReadRune", "ReadSlice", "Peek",
				"Scan", "Decode", "ReadResponse", "ReadMIMEHeader", "ReadCodeLine", "ReadContinuedLine", "Discard":
				return one(kRead, sel.X)
			}
			if fn, ok := s.Obj().(*types.Func); ok && sf.decls[fn] != nil {
				return sf.helperCallOps(fn, call, sel.X, canon)
			}
			return nil
		}
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	arg := func(i int) ast.Expr {
		if i < len(call.Args) {
			return call.Args[i]
		}
		return nil
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "io.Copy", "io.CopyN", "io.CopyBuffer":
		if isDiscard(info, arg(0)) {
			return one(kDrain, arg(1))
		}
		return append(one(kWrite, arg(0)), one(kRead, arg(1))...)
	case "io.ReadAll", "io/ioutil.ReadAll":
		return one(kDrain, arg(0))
	case "io.ReadFull", "io.ReadAtLeast", "encoding/binary.Read", "fmt.Fscan", "fmt.Fscanf", "fmt.Fscanln", "net/http.ReadRequest", "net/http.ReadResponse":
		return one(kRead, arg(0))
	case "fmt.Fprint", "fmt.Fprintf", "fmt.Fprintln", "io.WriteString", "encoding/binary.Write":
		return one(kWrite, arg(0))
	}
	if sf.decls[fn] != nil {
		return sf.helperCallOps(fn, call, nil, canon)
	}
	if strings.HasPrefix(fn.Name(), "Read") && fn.Pkg() != sf.p.pass.Pkg {
		// Another package's reader of the conn it is given first
		// (wsutil.ReadClientData, textproto-like ReadLine helpers), as
		// the catalogue's Read methods above.
		return one(kRead, arg(0))
	}
	return nil
}

// isDiscard reports whether e is io.Discard or ioutil.Discard.
func isDiscard(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Discard" {
		return false
	}
	obj := info.Uses[sel.Sel]
	return obj != nil && obj.Pkg() != nil && (obj.Pkg().Path() == "io" || obj.Pkg().Path() == "io/ioutil")
}

// helperCallOps returns the ops a call to a package function does on
// the caller's conns: on each argument, and on fields of the receiver.
func (sf *siteFinder) helperCallOps(fn *types.Func, call *ast.CallExpr, recv ast.Expr, canon func(ast.Expr) string) []*op {
	ops := sf.helperSummary(fn)
	var out []*op
	for i, a := range call.Args {
		k := canon(a)
		if k == "" {
			continue
		}
		for _, kind := range ops[fmt.Sprintf("p%d", i)] {
			out = append(out, &op{kind: kind, key: k, helper: true, x: a})
		}
	}
	if recv != nil {
		if rk := canon(recv); rk != "" {
			for path, kinds := range ops {
				if rest, ok := strings.CutPrefix(path, "r"); ok && strings.HasPrefix(rest, ".") || path == "r" {
					for _, kind := range kinds {
						out = append(out, &op{kind: kind, key: rk + strings.TrimPrefix(path, "r"), helper: true, x: recv})
					}
				}
			}
		}
	}
	// Only helpers that drain, half-close or flush make sites; their
	// reads and writes count as the caller's too.
	sort.SliceStable(out, func(i, j int) bool { return out[i].key+out[i].kind < out[j].key+out[j].kind })
	return out
}

// helperSummary returns, for a package function, the op kinds its body
// does on each parameter (p0, p1, ...) and on its receiver and the
// receiver's fields (r, r.f, ...). One level: a helper's helpers are not
// followed.
func (sf *siteFinder) helperSummary(fn *types.Func) map[string][]string {
	if s, ok := sf.helperOps[fn]; ok {
		return s
	}
	s := map[string][]string{}
	sf.helperOps[fn] = s
	fd := sf.decls[fn]
	sig := fn.Signature()
	names := map[string]string{} // key prefix -> p0 / r
	if sig.Recv() != nil {
		names[fmt.Sprintf("%s@%d", sig.Recv().Name(), sig.Recv().Pos())] = "r"
	}
	for i := 0; i < sig.Params().Len(); i++ {
		v := sig.Params().At(i)
		names[fmt.Sprintf("%s@%d", v.Name(), v.Pos())] = fmt.Sprintf("p%d", i)
	}
	canon := func(e ast.Expr) string { return keyOf(sf.info, e) }
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		var kinds []*op
		switch n := n.(type) {
		case *ast.ForStmt:
			if k := sf.readLoop(n, canon); k != "" {
				kinds = []*op{{kind: kDrain, key: k}}
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				if s := sf.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					if f, ok := s.Obj().(*types.Func); ok && sf.decls[f] != nil {
						return true // one level only
					}
				}
			}
			if f, ok := typeutil.Callee(sf.info, n).(*types.Func); ok && sf.decls[f] != nil {
				return true
			}
			kinds = sf.callOps(n, canon)
		}
		for _, o := range kinds {
			head, rest, _ := strings.Cut(o.key, ".")
			name, ok := names[head]
			if !ok {
				continue
			}
			if rest != "" {
				if name != "r" {
					continue // a parameter's fields are not the argument
				}
				name += "." + rest
			}
			if !slices.Contains(s[name], o.kind) {
				s[name] = append(s[name], o.kind)
			}
		}
		return true
	})
	for _, v := range s {
		sort.Strings(v)
	}
	return s
}

// readLoop returns the conn a for statement drains when the loop does
// nothing but read that conn (into a buffer) and leave on an error or
// EOF; "" otherwise.
func (sf *siteFinder) readLoop(loop *ast.ForStmt, canon func(ast.Expr) string) string {
	key, exits, ok := "", false, true
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.BranchStmt:
			if n.Tok == token.BREAK {
				exits = true
			}
		case *ast.ReturnStmt:
			exits = true
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt, *ast.SendStmt:
			ok = false
		case *ast.CallExpr:
			if tv, isT := sf.info.Types[n.Fun]; isT && (tv.IsType() || tv.IsBuiltin()) {
				return true
			}
			if f, isF := typeutil.Callee(sf.info, n).(*types.Func); isF && f.Pkg() != nil && f.Pkg().Path() == "errors" {
				return true
			}
			if sel, isSel := ast.Unparen(n.Fun).(*ast.SelectorExpr); isSel && (sel.Sel.Name == "SetReadDeadline" || sel.Sel.Name == "SetDeadline" || sel.Sel.Name == "Timeout" || sel.Sel.Name == "Error") {
				return true
			}
			ops := sf.callOps(n, canon)
			if len(ops) != 1 || (ops[0].kind != kRead && ops[0].kind != kDrain) || ops[0].helper || key != "" && ops[0].key != key {
				ok = false
				return false
			}
			key = ops[0].key
			return false
		}
		return true
	})
	if !ok || !exits {
		return ""
	}
	return key
}

// removal returns what a mutant that undoes call removes: its statement
// when the call is all there is to it, the call itself otherwise
// (replaced by zero values).
func (sf *siteFinder) removal(call *ast.CallExpr, stack []ast.Node) ast.Node {
	if len(stack) > 1 {
		if es, ok := stack[len(stack)-2].(*ast.ExprStmt); ok && es.X == call {
			return es
		}
	}
	return call
}

// sites returns the mutation sites of one function declaration.
func (sf *siteFinder) sites(fd *ast.FuncDecl) []site {
	ops := sf.funcOps(fd)
	var out []site
	fn, _ := sf.info.Defs[fd.Name].(*types.Func)
	fnName := fd.Name.Name
	if fn != nil {
		fnName = fn.FullName()
	}
	closes := func(key string, sibling bool) []*op {
		var cs []*op
		for _, o := range ops {
			if o.kind == kClose && !o.helper && (o.key == key || sibling && siblings(o.key, key)) {
				cs = append(cs, o)
			}
		}
		return cs
	}
	// target is the Close a removal at pos must be reported at: the first
	// Close of the conn after it, or a deferred one.
	target := func(key string, pos token.Pos, sibling bool) *op {
		var deferred *op
		for _, c := range closes(key, sibling) {
			if c.pos > pos && !c.defer_ {
				return c
			}
			if c.defer_ && deferred == nil {
				deferred = c
			}
		}
		return deferred
	}
	before := func(key string, end token.Pos, kinds ...string) *op {
		var last *op
		for _, o := range ops {
			if o.pos < end && o.key == key && slices.Contains(kinds, o.kind) {
				last = o
			}
		}
		return last
	}
	used := map[*op]bool{}
	for _, d := range ops {
		if d.kind != kDrain && d.kind != kFlush {
			continue
		}
		c := target(d.key, d.pos, d.kind == kFlush)
		if c == nil {
			continue
		}
		var s site
		switch d.kind {
		case kFlush:
			s = sf.removeSite(opFlush, "unflushedclose", c, d)
		case kDrain:
			if cw := before(d.key, d.pos, kCloseWrite); cw != nil && !used[cw] && (cw.helper == d.helper || !cw.helper) &&
				before(d.key, d.pos, kClose) == before(d.key, cw.pos, kClose) {
				used[cw] = true
				s = sf.removeSite(opCloseWriteDrain, "writeclose", c, cw, d)
			} else {
				rule := "writeclose"
				if last := before(d.key, d.pos, kRead, kWrite); last != nil && last.kind == kRead {
					rule = "unreadclose"
				}
				s = sf.removeSite(opDrain, rule, c, d)
				end := c.pos
				if c.defer_ {
					end = fd.End()
				}
				if !strings.Contains(d.key, ".") && before(d.key, end, kWrite) == nil {
					// The RST a Close with unread data sends makes the
					// peer lose what it received and had not read yet:
					// with nothing written, nothing of ours. The drain
					// was the function's purpose (an upload's receiver),
					// not its teardown. Only for a local variable or a
					// parameter: a conn in a field may be written
					// through another object over it (pgx's frontend),
					// which the ops here do not see.
					s.rec.Excluded = "nothing is written to the conn before its Close: the reset loses nothing of ours"
				}
			}
		}
		s.rec.Func = fnName
		out = append(out, s)
	}
	// One SetLinger(0) insertion per function: the first Close after a
	// write and a read of the same conn.
	for _, c := range ops {
		if c.kind != kClose || c.helper || c.gor {
			continue
		}
		end := c.pos
		if c.defer_ {
			end = fd.End()
		}
		if before(c.key, end, kWrite) == nil || before(c.key, end, kRead, kDrain) == nil {
			continue
		}
		if s, ok := sf.insertLinger(c); ok {
			s.rec.Func = fnName
			out = append(out, s)
			break
		}
	}
	if s, ok := sf.joinSite(fd, ops); ok {
		s.rec.Func = fnName
		out = append(out, s)
	}
	out = append(out, sf.lingerComments(fd, fnName)...)
	reach := sf.reachOf(fn)
	for i := range out {
		out[i].rec.Reach = reach
	}
	return out
}

// siblings reports whether two conn keys are fields of one value (c.bw
// and c.conn): a bufio.Writer kept beside the conn it writes to.
func siblings(a, b string) bool {
	i, j := strings.LastIndex(a, "."), strings.LastIndex(b, ".")
	return i > 0 && j > 0 && a[:i] == b[:j]
}

// removeSite builds the site that removes the ops rm and expects rule
// at the Close c.
func (sf *siteFinder) removeSite(opName, rule string, c *op, rm ...*op) site {
	shape := sf.p.shape(c.x, c.stack)
	if rm[len(rm)-1].helper && shape != shapeGoroutine {
		shape = shapeHelper
	}
	at := closePositions(c.call, c.stack)
	rec := record{Kind: "site", Op: opName, Rule: rule, Target: sf.off(c.pos), Shape: shape, Type: sf.p.typeString(c.x)}
	for _, a := range at {
		rec.Targets = append(rec.Targets, sf.off(a))
	}
	edits, err := sf.removeEdits(rm)
	if err == nil {
		err = sf.check(edits)
	}
	rec.Edits = edits
	if err != nil {
		rec.Invalid = err.Error()
	}
	if last := rm[len(rm)-1]; !c.defer_ && sf.returnsAfter(last.remove) {
		// pgx's CopyFrom: `pgConn.asyncClose(); return ...` on a flush
		// error, with the Close found after it in the source inside a
		// goroutine started further down. Without the call the path
		// returns with the conn open: a leak, not a Close that resets.
		rec.Excluded = "the function returns right after the removed code: no Close of the conn follows it on its path"
	}
	rec.Off = sf.off(rm[0].pos)
	return site{pos: rm[0].pos, rec: rec}
}

// returnsAfter reports whether n, the statement a mutant removes, is
// directly followed by a return statement in its block, outside function
// literals (a closure's return does not end its caller's path). A removed
// call that is part of a larger statement is replaced, not removed:
// false.
func (sf *siteFinder) returnsAfter(n ast.Node) bool {
	inClosure := false
	ast.Inspect(sf.f, func(m ast.Node) bool {
		if fl, ok := m.(*ast.FuncLit); ok && fl.Pos() <= n.Pos() && n.End() <= fl.End() {
			inClosure = true
		}
		return !inClosure
	})
	if inClosure {
		return false
	}
	after := false
	ast.Inspect(sf.f, func(m ast.Node) bool {
		var list []ast.Stmt
		switch m := m.(type) {
		case *ast.BlockStmt:
			list = m.List
		case *ast.CaseClause:
			list = m.Body
		case *ast.CommClause:
			list = m.Body
		}
		for i, st := range list {
			if ast.Node(st) == n && i+1 < len(list) {
				_, after = list[i+1].(*ast.ReturnStmt)
			}
		}
		return !after
	})
	return after
}

func (sf *siteFinder) off(pos token.Pos) int { return sf.tf.Offset(pos) }

// removeEdits removes statements (keeping their lines) and replaces
// calls by zero values. What only the removed code used stays used: a
// variable gets `_ = v` (in place of a removed statement, or before the
// statement of a replaced call), an import becomes a blank import.
func (sf *siteFinder) removeEdits(rm []*op) ([]edit, error) {
	var edits []edit
	inRemoved := func(p token.Pos) bool {
		for _, o := range rm {
			if o.remove.Pos() <= p && p < o.remove.End() {
				return true
			}
		}
		return false
	}
	blanked := map[*types.PkgName]bool{}
	for _, o := range rm {
		n := o.remove
		var keep []string
		seen := map[types.Object]bool{}
		ast.Inspect(n, func(m ast.Node) bool {
			id, ok := m.(*ast.Ident)
			if !ok {
				return true
			}
			obj := sf.info.Uses[id]
			if obj == nil || seen[obj] || inRemoved(obj.Pos()) {
				return true
			}
			switch obj := obj.(type) {
			case *types.Var:
				if obj.IsField() || obj.Parent() == nil || obj.Parent() == obj.Pkg().Scope() {
					return true
				}
			case *types.PkgName:
			default:
				return true
			}
			seen[obj] = true
			if sf.usedOutside(obj, inRemoved) {
				return true
			}
			if pn, ok := obj.(*types.PkgName); ok {
				if !blanked[pn] {
					blanked[pn] = true
					if e, ok := sf.blankImport(pn); ok {
						edits = append(edits, e)
					}
				}
				return true
			}
			keep = append(keep, "_ = "+id.Name)
			return true
		})
		start, end := sf.off(n.Pos()), sf.off(n.End())
		if x, ok := n.(ast.Expr); ok {
			z, err := sf.zeroExpr(x)
			if err != nil {
				return nil, err
			}
			edits = append(edits, edit{start, end, z})
			if len(keep) > 0 {
				stmt := blockStmt(o.stack)
				if stmt == nil {
					return nil, fmt.Errorf("no statement to keep %s used", strings.Join(keep, ", "))
				}
				at := sf.off(stmt.Pos())
				edits = append(edits, edit{at, at, strings.Join(keep, "; ") + "; "})
			}
			continue
		}
		filler := strings.Join(keep, "; ")
		if filler == "" {
			filler = "{}" // an empty block: valid wherever a statement was
		}
		filler += strings.Repeat("\n", bytes.Count(sf.src[start:end], []byte("\n")))
		edits = append(edits, edit{start, end, filler})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].Off < edits[j].Off })
	for i := 1; i < len(edits); i++ {
		if edits[i].Off < edits[i-1].End {
			return nil, fmt.Errorf("overlapping edits")
		}
	}
	return edits, nil
}

// blankImport returns the edit that makes the import of pn blank.
func (sf *siteFinder) blankImport(pn *types.PkgName) (edit, bool) {
	for _, imp := range sf.f.Imports {
		if sf.info.PkgNameOf(imp) != pn {
			continue
		}
		if imp.Name != nil {
			return edit{sf.off(imp.Name.Pos()), sf.off(imp.Name.End()), "_"}, true
		}
		at := sf.off(imp.Path.Pos())
		return edit{at, at, "_ "}, true
	}
	return edit{}, false
}

// blockStmt returns the innermost statement of stack that sits directly
// in a block (or a case clause), where another statement can go before it.
func blockStmt(stack []ast.Node) ast.Stmt {
	for i := len(stack) - 1; i > 0; i-- {
		s, ok := stack[i].(ast.Stmt)
		if !ok {
			continue
		}
		switch stack[i-1].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return s
		}
	}
	return nil
}

// usedOutside reports whether obj is used in the file outside the
// removed ranges.
func (sf *siteFinder) usedOutside(obj types.Object, inRemoved func(token.Pos) bool) bool {
	used := false
	for _, f := range sf.p.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && sf.info.Uses[id] == obj && !inRemoved(id.Pos()) {
				used = true
			}
			return !used
		})
		if used {
			return true
		}
	}
	return false
}

// selectorOf returns the name selected from the package identifier id in n.
func (sf *siteFinder) selectorOf(n ast.Node, id *ast.Ident) string {
	name := ""
	ast.Inspect(n, func(m ast.Node) bool {
		if sel, ok := m.(*ast.SelectorExpr); ok && sel.X == id {
			name = sel.Sel.Name
		}
		return name == ""
	})
	return name
}

// zeroExpr returns source for the zero values of what x evaluates to: a
// call's results, or a receive's value.
func (sf *siteFinder) zeroExpr(x ast.Expr) (string, error) {
	if call, ok := x.(*ast.CallExpr); ok {
		return sf.zeroValues(call)
	}
	t := sf.info.TypeOf(x)
	if _, ok := t.(*types.Tuple); ok || t == nil {
		return "", fmt.Errorf("no single value to replace %T with", x)
	}
	return sf.zero(t)
}

// zeroValues returns source for the zero values of call's results.
func (sf *siteFinder) zeroValues(call *ast.CallExpr) (string, error) {
	t := sf.info.TypeOf(call)
	var ts []types.Type
	if tup, ok := t.(*types.Tuple); ok {
		for v := range tup.Variables() {
			ts = append(ts, v.Type())
		}
	} else if t != nil {
		ts = []types.Type{t}
	}
	var parts []string
	for _, t := range ts {
		z, err := sf.zero(t)
		if err != nil {
			return "", err
		}
		parts = append(parts, z)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("no result to replace")
	}
	return strings.Join(parts, ", "), nil
}

// zero returns source for the zero value of t in this file.
func (sf *siteFinder) zero(t types.Type) (string, error) {
	var err error
	name := types.TypeString(t, func(pkg *types.Package) string {
		if pkg == sf.p.pass.Pkg {
			return ""
		}
		for _, imp := range sf.f.Imports {
			if strings.Trim(imp.Path.Value, `"`) == pkg.Path() {
				if imp.Name != nil {
					return imp.Name.Name
				}
				return pkg.Name()
			}
		}
		err = fmt.Errorf("type %s is not nameable in this file", t)
		return pkg.Name()
	})
	if err != nil {
		return "", err
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return name + "(false)", nil
		case u.Info()&types.IsString != 0:
			return name + `("")`, nil
		case u.Info()&types.IsNumeric != 0:
			return name + "(0)", nil
		}
	case *types.Interface, *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature:
		return "(" + name + ")(nil)", nil
	case *types.Struct, *types.Array:
		return name + "{}", nil
	}
	return "", fmt.Errorf("no zero value for %s", t)
}

// Apply returns src with the edits (sorted, not overlapping) applied:
// the mutant of a site.
func Apply(src []byte, edits []Edit) []byte {
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		b.Write(src[last:e.Off])
		b.WriteString(e.New)
		last = e.End
	}
	b.Write(src[last:])
	return b.Bytes()
}

// check type-checks the package with the mutant of this file: a site
// whose mutant does not compile is reported invalid, with the error.
func (sf *siteFinder) check(edits []edit) error {
	pass := sf.p.pass
	name := sf.tf.Name()
	mutant := Apply(sf.src, edits)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, f := range pass.Files {
		fname := pass.Fset.File(f.Pos()).Name()
		src, err := pass.ReadFile(fname)
		if fname == name {
			src, err = mutant, nil
		}
		if err != nil {
			return err
		}
		pf, err := parser.ParseFile(fset, fname, src, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("mutant does not parse: %v", err)
		}
		files = append(files, pf)
	}
	imports := map[string]*types.Package{}
	for _, imp := range pass.Pkg.Imports() {
		imports[imp.Path()] = imp
	}
	conf := types.Config{
		GoVersion: pass.Pkg.GoVersion(),
		Sizes:     pass.TypesSizes,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if p, ok := imports[path]; ok {
				return p, nil
			}
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			return nil, fmt.Errorf("no import %s", path)
		}),
	}
	if _, err := conf.Check(pass.Pkg.Path(), fset, files, nil); err != nil {
		return fmt.Errorf("mutant does not type-check: %v", err)
	}
	return nil
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// insertLinger builds the site that inserts SetLinger(0) before the
// statement of the Close c.
func (sf *siteFinder) insertLinger(c *op) (site, bool) {
	x := ast.Unparen(c.x)
	hasCall := false
	ast.Inspect(x, func(n ast.Node) bool {
		_, ok := n.(*ast.CallExpr)
		hasCall = hasCall || ok
		return !hasCall
	})
	if hasCall {
		return site{}, false
	}
	t := sf.info.TypeOf(x)
	xs := string(sf.src[sf.off(x.Pos()):sf.off(x.End())])
	var recv string
	if obj, _, _ := types.LookupFieldOrMethod(t, true, sf.p.pass.Pkg, "SetLinger"); obj != nil {
		recv = xs
	} else if _, ok := t.Underlying().(*types.Interface); ok {
		recv = xs + ".(interface{ SetLinger(int) error })"
	} else if pkg, name := named(t); pkg == "crypto/tls" && name == "Conn" {
		recv = xs + ".NetConn().(interface{ SetLinger(int) error })"
	} else {
		return site{}, false
	}
	// The statement in a block that holds the Close.
	stmt := blockStmt(c.stack)
	if stmt == nil {
		return site{}, false
	}
	ins := recv + ".SetLinger(0); "
	at := sf.off(stmt.Pos())
	rec := record{Kind: "site", Op: opInsertLinger, Rule: "lingerzero", Shape: sf.p.shape(c.x, c.stack), Type: sf.p.typeString(c.x),
		Off: sf.off(c.pos), Edits: []edit{{at, at, ins}}}
	// The inserted call's parenthesis, in the original's offsets: the
	// driver maps it as the insertion point plus its length.
	rec.Target = at
	rec.Targets = []int{at}
	if err := sf.check(rec.Edits); err != nil {
		rec.Invalid = err.Error()
	}
	return site{pos: c.pos, rec: rec}, true
}

// LingerParen is the offset of the inserted SetLinger call's left
// parenthesis in the mutant, given the insertion edit.
func LingerParen(e edit) int { return e.Off + strings.LastIndex(e.New, "(0)") }

// lingerComments returns a site for each SetLinger(0) (or SO_LINGER
// {1, 0}) in fd that has a comment on the lines above it or a directive
// on its line: the mutant removes those comments.
func (sf *siteFinder) lingerComments(fd *ast.FuncDecl, fnName string) []site {
	var out []site
	stack := []ast.Node{fd}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || !isLingerCall(sf.info, call, sel) || !sf.abortive(call, sel) {
			return true
		}
		line := sf.tf.Line(call.Pos())
		var edits []edit
		for _, cg := range sf.f.Comments {
			end, start := sf.tf.Line(cg.End()), sf.tf.Line(cg.Pos())
			ownLine := strings.TrimSpace(string(sf.src[sf.off(sf.tf.LineStart(start)):sf.off(cg.Pos())])) == ""
			if end == line-1 && ownLine || start == line && cg.Pos() > call.Pos() {
				s, e := sf.off(cg.Pos()), sf.off(cg.End())
				blank := bytes.Map(func(r rune) rune {
					if r == '\n' {
						return r
					}
					return -1
				}, sf.src[s:e])
				edits = append(edits, edit{s, e, string(blank)})
			}
		}
		if len(edits) == 0 {
			return true
		}
		rec := record{Kind: "site", Op: opLingerComment, Rule: "lingerzero", Func: fnName, Off: sf.off(call.Lparen),
			Target: sf.off(call.Lparen), Targets: []int{sf.off(call.Lparen)}, Edits: edits,
			Shape: sf.p.shape(sel.X, stack), Type: sf.p.typeString(sel.X)}
		if err := sf.check(edits); err != nil {
			rec.Invalid = err.Error()
		}
		out = append(out, site{pos: call.Lparen, rec: rec})
		return true
	})
	return out
}

// abortive reports whether a linger call sets {on, 0} by constants.
func (sf *siteFinder) abortive(call *ast.CallExpr, sel *ast.SelectorExpr) bool {
	isConst := func(e ast.Expr, want int64) bool {
		tv, ok := sf.info.Types[e]
		if !ok || tv.Value == nil {
			return false
		}
		v, exact := constant.Int64Val(constant.ToInt(tv.Value))
		return exact && v == want
	}
	if sel.Sel.Name == "SetLinger" {
		return isConst(call.Args[0], 0)
	}
	if len(call.Args) != 4 {
		return false
	}
	lit, ok := ast.Unparen(call.Args[3]).(*ast.UnaryExpr)
	if !ok {
		return false
	}
	cl, ok := lit.X.(*ast.CompositeLit)
	if !ok {
		return false
	}
	on, zero := false, true
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				switch id.Name {
				case "Onoff":
					on = !isConst(kv.Value, 0)
				case "Linger":
					zero = isConst(kv.Value, 0)
				}
			}
		}
	}
	return on && zero
}

// reachOf returns the package functions fn calls, transitively, by name.
func (sf *siteFinder) reachOf(fn *types.Func) []string {
	if fn == nil {
		return nil
	}
	if r, ok := sf.reach[fn]; ok {
		return r
	}
	seen := map[*types.Func]bool{fn: true}
	queue := []*types.Func{fn}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		fd := sf.decls[f]
		if fd == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if g, ok := sf.info.Uses[id].(*types.Func); ok && sf.decls[g] != nil && !seen[g] {
					seen[g] = true
					queue = append(queue, g)
				}
			}
			return true
		})
	}
	var names []string
	for f := range seen {
		if f != fn {
			names = append(names, f.FullName())
		}
	}
	sort.Strings(names)
	sf.reach[fn] = names
	return names
}
