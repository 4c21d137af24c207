package fix

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
)

// DrainLimit bounds the drain a fix inserts: net/http drains up to 256
// KiB of an unread request body before closing.
const DrainLimit = "256<<10"

// DrainTimeout bounds how long a fix waits for the peer's EOF.
const DrainTimeout = "5 * time.Second"

// Graceful describes the close sequence a fix inserts before a Close.
type Graceful struct {
	Conn       ast.Expr   // the connection expression at the Close
	Type       types.Type // its static type
	CloseWrite bool       // half-close first
	Drain      bool       // read deadline + bounded drain
	Helper     string     // "pkg/path.Func": call this instead of the steps above
}

// Prelude returns the statements (Go source, one per line, no indentation)
// that bring conn to a graceful end before its Close, and the imports
// they need. Their errors are discarded explicitly (`_ = c.CloseWrite()`),
// which errcheck accepts: a half-close, deadline or drain that fails
// leaves nothing to do but the Close that follows, and that Close's
// error stays the caller's.
func (g Graceful) Prelude(p *lint.Pass) (lines []string, imports []string) {
	x := exprString(p, g.Conn)
	if g.CloseWrite {
		switch {
		case isTLS(g.Type):
			// tls.Conn.CloseWrite sends close_notify but no TCP FIN
			// (ground truth, experiment 9): half-close the TCP conn too.
			lines = append(lines,
				"_ = "+x+".CloseWrite()",
				"if cw, ok := "+x+".NetConn().(interface{ CloseWrite() error }); ok {",
				"_ = cw.CloseWrite()",
				"}")
		case hasMethod(g.Type, "CloseWrite"):
			lines = append(lines, "_ = "+x+".CloseWrite()")
		default:
			lines = append(lines,
				"if cw, ok := "+x+".(interface{ CloseWrite() error }); ok {",
				"_ = cw.CloseWrite()",
				"}")
		}
	}
	if g.Drain {
		if hasMethod(g.Type, "SetReadDeadline") {
			lines = append(lines, "_ = "+x+".SetReadDeadline(time.Now().Add("+DrainTimeout+"))")
		} else {
			lines = append(lines,
				"if d, ok := "+x+".(interface{ SetReadDeadline(time.Time) error }); ok {",
				"_ = d.SetReadDeadline(time.Now().Add("+DrainTimeout+"))",
				"}")
		}
		if hasMethod(g.Type, "Read") {
			lines = append(lines, "_, _ = io.Copy(io.Discard, io.LimitReader("+x+", "+DrainLimit+"))")
		} else {
			// An io.WriteCloser that holds a conn (refined from its callers).
			lines = append(lines,
				"if r, ok := "+x+".(io.Reader); ok {",
				"_, _ = io.Copy(io.Discard, io.LimitReader(r, "+DrainLimit+"))",
				"}")
		}
		imports = append(imports, "io", "time")
	}
	return lines, imports
}

func isTLS(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "crypto/tls" && n.Obj().Name() == "Conn"
}

func hasMethod(t types.Type, name string) bool {
	if t == nil {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	_, ok := obj.(*types.Func)
	return ok
}

func exprString(p *lint.Pass, e ast.Expr) string {
	var b bytes.Buffer
	format.Node(&b, p.Fset, e)
	return b.String()
}

// InsertBefore returns the edits that insert lines (Go statements)
// before stmt, indented like it, plus the imports they need.
func InsertBefore(p *lint.Pass, stmt ast.Stmt, lines []string, imports []string) []analysis.TextEdit {
	indent := indentOf(p, stmt.Pos())
	var b strings.Builder
	depth := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "}") {
			depth--
		}
		b.WriteString(strings.Repeat("\t", depth) + l + "\n" + indent)
		if strings.HasSuffix(l, "{") {
			depth++
		}
	}
	edits := []analysis.TextEdit{{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte(b.String())}}
	return append(edits, AddImports(p.File(stmt.Pos()), imports...)...)
}

// indentOf returns the whitespace that precedes pos on its line.
func indentOf(p *lint.Pass, pos token.Pos) string {
	tf := p.Fset.File(pos)
	src, err := p.ReadFile(tf.Name())
	if err != nil {
		return ""
	}
	off := tf.Offset(pos)
	ls := off
	for ls > 0 && (src[ls-1] == ' ' || src[ls-1] == '\t') {
		ls--
	}
	return string(src[ls:off])
}

// Block renders lines as the body of a block opened on a line indented
// by indent.
func Block(lines []string, indent string) string {
	var b strings.Builder
	depth := 1
	for _, l := range lines {
		if strings.HasPrefix(l, "}") {
			depth--
		}
		b.WriteString(indent + strings.Repeat("\t", depth) + l + "\n")
		if strings.HasSuffix(l, "{") {
			depth++
		}
	}
	return b.String()
}

// isStd reports whether a quoted import path is in the standard library
// (its first element has no dot).
func isStd(quoted string) bool {
	path, _ := strconv.Unquote(quoted)
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func afterSpec(gd *ast.GenDecl, pos token.Pos) bool {
	for _, spec := range gd.Specs {
		if spec.End() == pos {
			return true
		}
	}
	return false
}

// AddImports returns the edits that import the paths f does not import yet.
func AddImports(f *ast.File, paths ...string) []analysis.TextEdit {
	have := map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		have[path] = true
	}
	var missing []string
	for _, path := range paths {
		if !have[path] {
			have[path] = true
			missing = append(missing, strconv.Quote(path))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	var gd *ast.GenDecl
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			gd = g
			break
		}
	}
	switch {
	case gd == nil:
		return []analysis.TextEdit{{Pos: f.Name.End(), End: f.Name.End(),
			NewText: []byte("\n\nimport (\n\t" + strings.Join(missing, "\n\t") + "\n)")}}
	case gd.Lparen.IsValid():
		// Insert each path before the first spec of its kind (standard
		// library or not) that sorts after it, or after the last spec of
		// its kind: goimports' grouping stays intact.
		at := map[token.Pos][]string{}
		var order []token.Pos
		for _, m := range missing {
			pos := gd.Rparen
			var lastSame *ast.ImportSpec
			for _, spec := range gd.Specs {
				is := spec.(*ast.ImportSpec)
				if isStd(is.Path.Value) != isStd(m) {
					continue
				}
				if is.Path.Value > m {
					pos = is.Pos()
					lastSame = nil
					break
				}
				lastSame = is
			}
			if lastSame != nil {
				pos = lastSame.End() // inserted as "\n\t" + path below
			}
			if at[pos] == nil {
				order = append(order, pos)
			}
			at[pos] = append(at[pos], m)
		}
		var edits []analysis.TextEdit
		for _, pos := range order {
			text := strings.Join(at[pos], "\n\t") + "\n\t"
			switch {
			case pos == gd.Rparen:
				text = "\t" + strings.Join(at[pos], "\n\t") + "\n"
			case afterSpec(gd, pos):
				text = "\n\t" + strings.Join(at[pos], "\n\t")
			}
			edits = append(edits, analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(text)})
		}
		return edits
	default:
		old := gd.Specs[0].(*ast.ImportSpec)
		specs := append(missing, old.Path.Value)
		sort.Strings(specs)
		for i, s := range specs {
			if s == old.Path.Value && old.Name != nil {
				specs[i] = old.Name.Name + " " + s
			}
		}
		return []analysis.TextEdit{{Pos: gd.Pos(), End: gd.End(),
			NewText: []byte("import (\n\t" + strings.Join(specs, "\n\t") + "\n)")}}
	}
}
