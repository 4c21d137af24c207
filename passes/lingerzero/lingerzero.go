package lingerzero

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports SO_LINGER {on, 0} without a written justification.
var Analyzer = New(connflow.Analyzer)

// New returns a lingerzero analyzer over the connflow analyzer model.
func New(model *analysis.Analyzer) *analysis.Analyzer { return lint.NewAnalyzer(model, doc, run) }

func run(p *lint.Pass) {
	for _, op := range p.Model.Lingers {
		p.Enter(op.Fn)
		v := op.Value
		if op.FromParam {
			// A helper's setting, judged at the calls that supply its
			// value; a directive here justifies all of them.
			p.Directive("abort", op.Pos)
			continue
		}
		if !v.Known || !v.On || v.Secs != 0 {
			continue
		}
		if p.Directive("abort", op.Pos) != nil || Justifies(p.CommentAbove(op.Pos)) ||
			op.Abort || slices.ContainsFunc(op.Why, Justifies) {
			continue
		}
		what := "SetLinger(0)"
		if op.Raw {
			what = "SO_LINGER {Onoff: 1, Linger: 0}"
		}
		if op.Via != "" {
			what += " through " + op.Via
		}
		d := analysis.Diagnostic{
			Pos: op.Pos,
			Message: what + " makes Close an abort: it sends RST instead of FIN, unsent data is discarded " +
				"and the peer sees ECONNRESET; remove it, or state why with //teardown:abort <reason>",
		}
		if why := deliberate(p, op); why != "" {
			// Removing it would break what the code is for: offer the
			// justification instead (deliberate.go).
			if f, ok := fix.JustifyLinger(p, op, "deliberate reset: "+why); ok {
				d.SuggestedFixes = []analysis.SuggestedFix{f}
			}
		} else if f, ok := fix.UndoLinger(p, op); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
		p.Report(d)
	}
}

// reasonWords mark a comment as saying why.
var reasonWords = set("because since so avoid avoids prevent prevents instead intentional intentionally " +
	"deliberate deliberately purpose abort aborts reset resets rst time_wait time-wait timewait probe probes " +
	"health healthcheck required requires must need needs otherwise")

// restating words only describe the call itself.
var restating = set("set sets setting setlinger linger lingering so_linger solinger 0 zero to the a an on of " +
	"socket sockets conn connection option tcp with value timeout seconds secs disable disabled enable enabled " +
	"call here we force forces close rst")

// Justifies reports whether a comment says why an abortive close is
// wanted: it has a reason word and at least three words that do more
// than restate the call. See docs/rules/lingerzero.md.
func Justifies(comment string) bool {
	// An apostrophe is part of a word ("doesn't" is one word, not
	// "doesn" and "t"); at a word's edge it is a quote and is trimmed.
	words := strings.FieldsFunc(strings.ToLower(comment), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' && r != '\'' && r != '’'
	})
	reason, content := false, 0
	for _, w := range words {
		w = strings.Trim(w, "-'’")
		if reasonWords[w] {
			reason = true
		}
		if !restating[w] && w != "" {
			content++
		}
	}
	return reason && content >= 3
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
