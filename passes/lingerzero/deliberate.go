package lingerzero

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
	"unicode"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// resetWords are the words (of an identifier split at case changes and
// underscores, or of a string) that say the code is about resetting.
var resetWords = set("reset resets abort aborts abortive rst")

// resetErrnos are the errors a peer sees after a reset: code that names
// one expects it.
var resetErrnos = set("ECONNRESET ECONNABORTED")

// deliberate returns what shows that the abortive setting at op is the
// point of the code, "" if nothing does. The evidence, looked for in this
// order from the call outwards (docs/rules/lingerzero.md, "Suggested
// fix"):
//
//   - the condition (or init) of an if statement whose body or else holds
//     the call, or the expressions of the switch case that holds it, name
//     a reset: an identifier, type or string with a word of resetWords
//     (`case *ResetToxic`, `if mode == "reset"`, `if opts.AbortOnClose`);
//   - the declared function that holds the call (or its receiver type) is
//     named for one (`resetConn`, `(*ResetToxic).Pipe`);
//   - that function refers to ECONNRESET or ECONNABORTED: it expects the
//     peer, or itself, to see the reset.
//
// lingerzero then offers a //teardown:abort directive stating the
// evidence as its fix, instead of removing the call: removing it would
// change what the code was written to do.
func deliberate(p *lint.Pass, op *connflow.LingerOp) string {
	path := p.Path(op.Call.Pos(), op.Call.Pos())
	for i, n := range path {
		var child ast.Node
		if i > 0 {
			child = path[i-1]
		}
		switch n := n.(type) {
		case *ast.IfStmt:
			if child == n.Body || child == n.Else && n.Else != nil {
				if w := resetNamed(p, n.Init, n.Cond); w != "" {
					return "the enclosing if tests " + w
				}
			}
		case *ast.CaseClause:
			exprs := make([]ast.Node, len(n.List))
			for i, e := range n.List {
				exprs[i] = e
			}
			if w := resetNamed(p, exprs...); w != "" {
				return "the enclosing case matches " + w
			}
		case *ast.FuncDecl:
			if resetName(n.Name.Name) {
				return "the function " + n.Name.Name + " is about resets"
			}
			if n.Recv != nil && len(n.Recv.List) == 1 {
				if t := recvName(n.Recv.List[0].Type); resetName(t) {
					return "the method's receiver " + t + " is about resets"
				}
			}
			if e := errnoUsed(p, n.Body); e != "" {
				return n.Name.Name + " expects " + e
			}
			return ""
		}
	}
	return ""
}

// resetNamed returns the first identifier or string in nodes with a word
// of resetWords, "" if none.
func resetNamed(p *lint.Pass, nodes ...ast.Node) string {
	found := ""
	for _, n := range nodes {
		if n == nil || found != "" {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			if found != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.Ident:
				if resetName(n.Name) {
					found = n.Name
				}
			case *ast.BasicLit:
				if tv, ok := p.TypesInfo.Types[n]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
					if s := constant.StringVal(tv.Value); resetName(s) {
						found = n.Value
					}
				}
			}
			return true
		})
	}
	return found
}

// resetName reports whether an identifier or a string has a word of
// resetWords: "ResetToxic", "reset_peer", "abortOnClose" do; "preset",
// "ECONNRESET" and "resetter" do not.
func resetName(s string) bool {
	for _, w := range splitWords(s) {
		if resetWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// splitWords splits s at non-letters and at case changes (abortOnClose:
// abort, On, Close; HTTPReset: HTTP, Reset).
func splitWords(s string) []string {
	var words []string
	rs := []rune(s)
	start := -1
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if start >= 0 {
				words = append(words, string(rs[start:i]))
			}
			start = -1
			continue
		}
		if start >= 0 && unicode.IsUpper(r) &&
			(unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			words = append(words, string(rs[start:i]))
			start = i
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, string(rs[start:]))
	}
	return words
}

// recvName returns the name of a receiver's type (T for *T or T[P]).
func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// errnoUsed returns "syscall.ECONNRESET" (or the like) when body refers
// to a reset errno of syscall or golang.org/x/sys/unix, "" otherwise.
func errnoUsed(p *lint.Pass, body *ast.BlockStmt) string {
	found := ""
	if body == nil {
		return ""
	}
	ast.Inspect(body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found != "" || !resetErrnos[id.Name] {
			return found == ""
		}
		if c, ok := p.TypesInfo.Uses[id].(*types.Const); ok && c.Pkg() != nil {
			switch c.Pkg().Path() {
			case "syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows":
				found = c.Pkg().Name() + "." + id.Name
			}
		}
		return found == ""
	})
	return found
}
