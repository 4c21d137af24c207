// Package directive parses teardown's //teardown: comments. It is a leaf
// package so that connflow (budget notes) and the rules (through
// internal/lint) read directives the same way.
package directive

import (
	"go/ast"
	"go/token"
	"maps"
	"slices"
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

// verbs returns the directive verbs the rules know: ignore, then those
// the rules honour (Register), in the rules' order.
func verbs(rules []string) []string {
	out := []string{"ignore"}
	registry.Lock()
	defer registry.Unlock()
	for _, r := range rules {
		if v := registry.verbs[r]; v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Budget is the name an ignore directive gives connflow's budget notes:
// //teardown:ignore budget reason, on the note's line, the line above it,
// or the line above the function's declaration.
const Budget = "budget"

// Parse returns the teardown directives of the files, in order, judged
// against the known rule names (in the order messages list them).
func Parse(fset *token.FileSet, files []*ast.File, rules []string) []*Directive {
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
				d := parseDirective(fset, c, rules)
				d.Trailing = codeLines[d.Line]
				out = append(out, d)
			}
		}
	}
	return out
}

// endLines returns the lines on which a statement, declaration, spec or
// field of f ends: a directive on such a line trails code.
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

// parseDirective parses the directive comment c.
func parseDirective(fset *token.FileSet, c *ast.Comment, rules []string) *Directive {
	p := fset.Position(c.Pos())
	d := ParseText(c.Text, rules)
	d.Pos, d.Filename, d.Line = c.Pos(), p.Filename, p.Line
	return d
}

// ParseText parses the text of one //teardown: comment, judged against
// the known rule names.
func ParseText(text string, rules []string) *Directive {
	d := &Directive{}
	fields := strings.Fields(strings.TrimPrefix(text, prefix))
	if len(fields) == 0 {
		d.Malformed = "malformed teardown directive: missing verb (want //teardown:ignore RULE reason or //teardown:abort reason)"
		return d
	}
	d.Verb = fields[0]
	rest := fields[1:]
	switch {
	case d.Verb == "ignore":
		if rest, d.Malformed = d.parseRules(rest, rules); d.Malformed != "" {
			return d
		}
	case !slices.Contains(verbs(rules), d.Verb):
		d.Malformed = "malformed teardown directive: unknown verb " + quote(d.Verb) + " (want " + strings.Join(verbs(rules), " or ") + ")"
		return d
	}
	d.Reason = strings.Join(rest, " ")
	if d.Reason == "" {
		d.Malformed = "malformed teardown directive: missing the required reason"
	}
	return d
}

// parseRules reads the rule list of an ignore directive from its words:
// RULE or RULE,RULE,... (a space after a comma is allowed). It returns
// the words after the list, and what is wrong with the list, if anything.
func (d *Directive) parseRules(words, rules []string) (rest []string, malformed string) {
	if len(words) == 0 {
		return nil, "malformed teardown directive: //teardown:ignore needs the rules to ignore and a reason"
	}
	list := words[0]
	words = words[1:]
	for len(words) > 0 && (strings.HasSuffix(list, ",") || strings.HasPrefix(words[0], ",")) {
		list += words[0]
		words = words[1:]
	}
	d.Rules = strings.Split(list, ",")
	for _, r := range d.Rules {
		switch {
		case r == "":
			return nil, "malformed teardown directive: empty rule name in the list " + quote(list) + " (want RULE or RULE,RULE)"
		case !slices.Contains(rules, r):
			return nil, "malformed teardown directive: unknown rule " + quote(r) + " (known: " + strings.Join(rules, ", ") + ")"
		}
	}
	return words, ""
}

// quote returns s in double quotes.
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
	verbs map[string]string // rule name -> the verb it honours besides ignore, or ""
}{verbs: map[string]string{}}

// Register makes a rule known by its name, with the directive verb it
// honours besides ignore ("" if none).
func Register(rule, verb string) {
	registry.Lock()
	defer registry.Unlock()
	registry.verbs[rule] = verb
}

// Rules returns the registered rule names, sorted.
func Rules() []string {
	registry.Lock()
	defer registry.Unlock()
	return slices.Sorted(maps.Keys(registry.verbs))
}

// CommentAbove returns the text of the comment group of f that ends on
// the line directly above pos's line and stands on lines of its own (not
// a trailing comment of the statement above), "" if none. Directives are
// not text. readFile reads the file's source (analysis.Pass.ReadFile).
func CommentAbove(fset *token.FileSet, f *ast.File, readFile func(string) ([]byte, error), pos token.Pos) string {
	if f == nil {
		return ""
	}
	line := fset.Position(pos).Line
	for _, cg := range f.Comments {
		end := fset.Position(cg.End()).Line
		start := fset.Position(cg.Pos())
		if end != line-1 || start.Line >= line {
			continue
		}
		// The parsed file, not start.Filename: in a file cgo rewrote, a
		// //line directive maps positions to the original, whose offsets differ.
		tf := fset.File(cg.Pos())
		if src, err := readFile(tf.Name()); err == nil && tf.Size() == len(src) {
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
