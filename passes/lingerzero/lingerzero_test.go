package lingerzero_test

import (
	"strings"
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/lingerzero"
)

func Test(t *testing.T) {
	linttest.Run(t, lingerzero.Analyzer, "lingerzero")
}

// TestJustifies checks the definition of a justifying comment. The text is
// what Pass.CommentAbove hands to Justifies: ast.CommentGroup.Text, i.e.
// without the comment markers, lines joined by newlines.
func TestJustifies(t *testing.T) {
	for _, tc := range []struct {
		comment string
		want    bool
		inDoc   bool // quoted in the rule's documentation as an example
	}{
		// The rule's own examples (doc.go, Justify).
		{"health probe: reset so no TIME_WAIT piles up", true, true},
		{"set linger 0", false, true},
		{"force RST", false, true},

		// Justified: a reason word and three or more words of content.
		{"health probe: a reset leaves no TIME_WAIT behind", true, false},
		{"Forward the upstream's reset to the client instead of a clean FIN.", true, false},
		{"We need the peer to see ECONNRESET: it retries on reset only.", true, false},
		{"must not leave TIME_WAIT sockets behind on the load balancer", true, false},
		{"TIME-WAIT sockets exhaust ephemeral ports otherwise", true, false},
		{"The proxy forwards the upstream reset, because the client must know the stream is broken", true, false},
		{"Thousands of short-lived probe connections per second\nwould exhaust the ephemeral ports.\n", true, false},
		{"`reset` deliberately: the peer treats RST as cancel", true, false},

		// Not justified: no reason word.
		{"", false, false},
		{"close the connection immediately", false, false},
		{"TODO: remove this later please", false, false},
		{"SetLinger(0)", false, false},
		// Not justified: a reason word, but the rest restates the call.
		{"abort", false, false},
		{"we must", false, false},
		{"intentional", false, false},
		{"Because.", false, false},
		{"because of reasons", false, false},
		{"deliberately abort the connection", false, false},
		{"Set SO_LINGER to zero to force an RST on close.", false, false},
		{"Disable lingering so the socket closes with RST.", false, false},
		{"set linger to zero so the conn closes", false, false},
		{"SO_LINGER 0 so RST", false, false},
		// An apostrophe does not split a word: "it's" is one word, so this
		// has two words of content, not three.
		{"so it's", false, false},
		{"'so' it’s", false, false},
	} {
		if got := lingerzero.Justifies(tc.comment); got != tc.want {
			t.Errorf("Justifies(%q) = %v, want %v", tc.comment, got, tc.want)
		}
		if tc.inDoc && !strings.Contains(lingerzero.Analyzer.Doc, "`// "+tc.comment+"`") {
			t.Errorf("the rule's documentation no longer quotes the example `// %s`; update this table", tc.comment)
		}
	}
}

// TestLingerCalls: a 0 that reaches SetLinger or SO_LINGER through a
// helper's parameter or a field is reported at the call that supplies
// it, unless the call or the helper says why.
func TestLingerCalls(t *testing.T) {
	linttest.Run(t, lingerzero.Analyzer, "lingercalls")
}
