package lint

import (
	"go/ast"
	"go/token"
	"sort"
	"strings"
	"sync"
)

// Directives are comments of the form
//
//	//teardown:ignore RULE[,RULE...] reason
//	//teardown:abort reason
//
// on the reported line or the line above it. A reason is required: a
// directive without one suppresses nothing and is itself reported, as is
// a directive that names an unknown rule or suppresses nothing
// (staticcheck's semantics).
type Directive struct {
	Pos       token.Pos
	Filename  string
	Line      int
	Verb      string   // "ignore" or "abort"
	Rules     []string // for ignore
	Reason    string
	Malformed string // non-empty: what is wrong with it
	// Trailing is set when the directive follows code on its line: it
	// then covers that line only. A directive on a line of its own covers
	// the next line.
	Trailing bool
}

const prefix = "//teardown:"

// Verbs are the known directive verbs.
var Verbs = map[string]string{
	"ignore": "suppresses the named rules' findings on this line or the next",
	"abort":  "states why an abortive close (SetLinger(0), SO_LINGER {1, 0}) is intended",
}

// ParseDirectives returns the teardown directives of the files, in order.
func ParseDirectives(fset *token.FileSet, files []*ast.File) []*Directive {
	var out []*Directive
	for _, f := range files {
		var codeLines map[int]bool // lines on which a statement or declaration ends
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, prefix) {
					continue
				}
				if codeLines == nil {
					codeLines = endLines(fset, f)
				}
				d := parseDirective(fset, c)
				d.Trailing = codeLines[d.Line]
				out = append(out, d)
			}
		}
	}
	return out
}

func endLines(fset *token.FileSet, f *ast.File) map[int]bool {
	lines := map[int]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case ast.Stmt, ast.Decl, ast.Spec, *ast.Field:
			if _, block := n.(*ast.BlockStmt); !block {
				lines[fset.Position(n.End()).Line] = true
			}
		}
		return true
	})
	return lines
}

func parseDirective(fset *token.FileSet, c *ast.Comment) *Directive {
	p := fset.Position(c.Pos())
	d := ParseDirectiveText(c.Text)
	d.Pos, d.Filename, d.Line = c.Pos(), p.Filename, p.Line
	return d
}

// ParseDirectiveText parses the text of one //teardown: comment.
func ParseDirectiveText(text string) *Directive {
	d := &Directive{}
	fields := strings.Fields(strings.TrimPrefix(text, prefix))
	if len(fields) == 0 {
		d.Malformed = "malformed teardown directive: missing verb (want //teardown:ignore RULE reason or //teardown:abort reason)"
		return d
	}
	d.Verb = fields[0]
	rest := fields[1:]
	switch d.Verb {
	case "ignore":
		if len(rest) == 0 {
			d.Malformed = "malformed teardown directive: //teardown:ignore needs the rules to ignore and a reason"
			return d
		}
		d.Rules = strings.Split(rest[0], ",")
		rest = rest[1:]
		for _, r := range d.Rules {
			if !KnownRule(r) {
				d.Malformed = "malformed teardown directive: unknown rule " + quote(r) + " (known: " + strings.Join(Names, ", ") + ")"
				return d
			}
		}
	case "abort":
	default:
		d.Malformed = "malformed teardown directive: unknown verb " + quote(d.Verb) + " (want ignore or abort)"
		return d
	}
	d.Reason = strings.Join(rest, " ")
	if d.Reason == "" {
		d.Malformed = "malformed teardown directive: missing the required reason"
	}
	return d
}

func quote(s string) string { return "\"" + s + "\"" }

// Covers reports whether the directive applies to a finding at position p:
// a trailing directive covers its own line, a directive on a line of its
// own the line after it.
func (d *Directive) Covers(p token.Position) bool {
	if d.Filename != p.Filename {
		return false
	}
	if d.Trailing {
		return d.Line == p.Line
	}
	return d.Line == p.Line-1
}

// Names reports whether an ignore directive names rule.
func (d *Directive) Names(rule string) bool {
	for _, r := range d.Rules {
		if r == rule {
			return true
		}
	}
	return false
}

var registry = struct {
	sync.Mutex
	rules map[string]*Doc
}{rules: map[string]*Doc{}}

func register(d *Doc) {
	registry.Lock()
	defer registry.Unlock()
	registry.rules[d.Name] = d
}

// Names are teardown's rule names. They are an interface (flags,
// directives, golangci-lint settings and users' CI name them), so they
// are fixed here rather than derived from which rules a binary links.
var Names = []string{"writeclose", "unreadclose", "unflushedclose", "lingerzero", "lingerblock"}

// KnownRule reports whether name is a rule name (or a registered rule).
func KnownRule(name string) bool {
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	registry.Lock()
	defer registry.Unlock()
	_, ok := registry.rules[name]
	return ok
}

// RuleNames returns the registered rule names, sorted.
func RuleNames() []string {
	registry.Lock()
	defer registry.Unlock()
	var names []string
	for n := range registry.rules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rule returns the documentation of a registered rule, or nil.
func Rule(name string) *Doc {
	registry.Lock()
	defer registry.Unlock()
	return registry.rules[name]
}
