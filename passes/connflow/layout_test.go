package connflow_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayout keeps connflow readable as it grows (docs/design.md): each
// file at most 500 lines, each function at most 80 lines and of
// cyclomatic complexity at most 25 (gocyclo's count: 1, plus one per if,
// for, range, non-default case and && or ||), and every function with a
// doc comment that says what it decides.
func TestLayout(t *testing.T) {
	const maxFile, maxFunc, maxComplexity = 500, 80, 25
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var nfuncs int
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if n := fset.File(f.Pos()).LineCount(); n > maxFile {
			t.Errorf("%s: %d lines, more than %d: split it along a concern", name, n, maxFile)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			nfuncs++
			where := fset.Position(fd.Pos())
			if n := fset.Position(fd.End()).Line - where.Line + 1; n > maxFunc {
				t.Errorf("%s: %s is %d lines long, more than %d", where, fd.Name.Name, n, maxFunc)
			}
			if c := complexity(fd); c > maxComplexity {
				t.Errorf("%s: %s has cyclomatic complexity %d, more than %d", where, fd.Name.Name, c, maxComplexity)
			}
			if fd.Doc == nil {
				t.Errorf("%s: %s has no doc comment", where, fd.Name.Name)
			}
		}
	}
	if nfuncs < 100 {
		t.Errorf("only %d functions checked: is this connflow's directory?", nfuncs)
	}
}

// complexity is gocyclo's cyclomatic complexity of fd.
func complexity(fd *ast.FuncDecl) int {
	c := 1
	ast.Inspect(fd, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			c++
		case *ast.CaseClause:
			if n.List != nil {
				c++
			}
		case *ast.CommClause:
			if n.Comm != nil {
				c++
			}
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				c++
			}
		}
		return true
	})
	return c
}
