package lint_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/directive"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestPanicBecomesError: a rule that panics yields an error naming the
// rule and the function it was looking at, not a crash.
func TestPanicBecomesError(t *testing.T) {
	boom := lint.NewAnalyzer(connflow.Analyzer, &lint.Doc{Name: "boomtest", Title: "panics"}, func(p *lint.Pass) {
		for f := range p.Funcs {
			_ = f
			var m map[string]int
			m["x"]++ // nil map write: a runtime panic
		}
	})
	var r recorder
	analysistest.Run(&r, analysistest.TestData(), boom, "p")
	for _, e := range r.errs {
		if strings.Contains(e, "boomtest") && strings.Contains(e, "internal error while analyzing function p.Boom") {
			return
		}
	}
	t.Fatalf("no error naming the rule and p.Boom; got:\n%s", strings.Join(r.errs, "\n"))
}

func TestParseDirectives(t *testing.T) {
	lint.NewAnalyzer(connflow.Analyzer, &lint.Doc{Name: "known", Title: "t", Verb: &lint.Verb{Name: "abort", Justifies: "t"}},
		func(*lint.Pass) {})
	lint.NewAnalyzer(connflow.Analyzer, &lint.Doc{Name: "other", Title: "t"}, func(*lint.Pass) {})
	for _, tc := range []struct{ text, verb, malformed string }{
		{"//teardown:ignore known because the peer sends nothing more", "ignore", ""},
		{"//teardown:ignore known", "ignore", "missing the required reason"},
		{"//teardown:ignore unknownrule reason here", "ignore", `unknown rule "unknownrule" (known: known, other)`},
		{"//teardown:ignore known,other the peer sends nothing more", "ignore", ""},
		{"//teardown:ignore known, other the peer sends nothing more", "ignore", ""},
		{"//teardown:ignore known ,other the peer sends nothing more", "ignore", ""},
		{"//teardown:ignore known,,other reason", "ignore", `empty rule name in the list "known,,other"`},
		{"//teardown:ignore known, reason", "ignore", `unknown rule "reason"`},
		{"//teardown:abort health probe", "abort", ""},
		{"//teardown:abort", "abort", "missing the required reason"},
		{"//teardown:frobnicate x", "frobnicate", `unknown verb "frobnicate" (want ignore or abort)`},
		{"//teardown:", "", "missing verb"},
	} {
		d := directive.ParseText(tc.text, []string{"known", "other"})
		if d.Verb != tc.verb || !strings.Contains(d.Malformed, tc.malformed) || (tc.malformed == "") != (d.Malformed == "") {
			t.Errorf("%q: got verb %q malformed %q, want verb %q malformed containing %q", tc.text, d.Verb, d.Malformed, tc.verb, tc.malformed)
		}
	}
}
