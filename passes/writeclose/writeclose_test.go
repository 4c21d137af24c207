package writeclose_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/writeclose"
)

func Test(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "writeclose", "fpclasses")
}

// TestTestFiles: _test.go files are skipped by default and analyzed with
// -connflow.tests.
func TestTestFiles(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), writeclose.Analyzer, "testfiles")
	if err := connflow.Analyzer.Flags.Set("tests", "true"); err != nil {
		t.Fatal(err)
	}
	defer connflow.Analyzer.Flags.Set("tests", "false")
	analysistest.Run(t, analysistest.TestData(), writeclose.Analyzer, "testfileson")
}

// TestMultipath: a Close reached by condemned paths that would be
// explained differently is reported on the path the stated order picks.
func TestMultipath(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "multipath")
}

// TestOwnership: handing a conn on is an event on its path; the other
// paths are judged.
func TestOwnership(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "ownership")
}

// TestProxies: how a function waits for its copy goroutines (joins) and
// the paths on which it stops waiting on purpose (aborts).
func TestProxies(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "proxies")
}

// TestHalfClose: no drain is demanded where none is possible, after a
// failed CloseWrite or where the conn has no CloseWrite.
func TestHalfClose(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "halfclose")
}

// TestWrappers: a helper's drain of a reader parameter is a drain of the
// conn when every caller passes a reader over that conn.
func TestWrappers(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "wrappers")
}

// TestOwnWrappers: the project's own wrapper constructors, here and in
// another package (a Wraps fact): their result is the conn they wrap.
func TestOwnWrappers(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "ownwrap", "ownwrap/label")
}

// TestHandlerField: a call through a func-valued field the package
// always sets to one function (or method value) is a call of it.
func TestHandlerField(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "handlerfield")
}

// TestOwnInterfaces: a call through the package's own closed interface
// is the union of its implementations in the package.
func TestOwnInterfaces(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "ownifaces")
}

// TestNotTCP: conns of the package's own types over what is not a stream
// socket, and in-memory conns loaded from a collection, have no TCP
// teardown.
func TestNotTCP(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "notcp")
}

// TestNotThisConn: a variable that holds the conn on some paths and
// another value on others is judged only on the conn's paths.
func TestNotThisConn(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "notthisconn")
}

// TestHelper: with -writeclose.helper the fix calls the helper in place
// of the Close, importing its package or naming it as the file already
// does, and is withheld wherever it could not build or would not close.
func TestHelper(t *testing.T) {
	helper := func(h string) *analysis.Analyzer {
		a := writeclose.New(connflow.Analyzer)
		if err := a.Flags.Set("helper", h); err != nil {
			t.Fatal(err)
		}
		return a
	}
	// Usable: the goldens have the helper calls (none in shadowed).
	linttest.Run(t, helper("gracefulx.Close"), "helperfix")
	linttest.Run(t, helper("selfhelp.CloseGracefully"), "selfhelp")

	// Unusable: the same findings, no fix.
	for _, tc := range []struct{ helper, pkg string }{
		{"garbage", "helperfix"},
		{"", "helperfix"}, // the default: the inline sequence
		{"gracefulx.NoError", "helperfix"},
		{"gracefulx.Generic", "helperfix"},
		{"gracefulx.Timeout", "helperfix"},
		{"gracefulx.Limit", "helperfix"},
		{"gracefulx.Missing", "helperfix"},
		{"fmt.Println", "helperfix"},
		{"gracefulx.Close", "helperfar"},
		{"gracefulx.TCP", "helperfix"},             // other.go's *net.TCPConn would fit; the rest not
		{"selfclose.CloseGracefully", "selfclose"}, // the close is through the helper already
	} {
		results := analysistest.Run(t, analysistest.TestData(), helper(tc.helper), tc.pkg)
		for _, r := range results {
			for _, d := range r.Diagnostics {
				posn := r.Pass.Fset.Position(d.Pos)
				for _, f := range d.SuggestedFixes {
					calls := strings.Contains(f.Message, "-writeclose.helper")
					okTCP := tc.helper == "gracefulx.TCP" && filepath.Base(posn.Filename) == "other.go"
					switch {
					case tc.helper == "":
						if calls {
							t.Errorf("no helper: %s: the fix %q calls one", posn, f.Message)
						}
					case calls != okTCP || !calls && tc.helper != "":
						t.Errorf("-writeclose.helper=%s: %s: fix %q", tc.helper, posn, f.Message)
					}
				}
			}
		}
	}
}

// TestFields: a struct that keeps a conn in a field owns it; its methods
// are judged with it.
func TestFields(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "fields")
}

// TestGoOwned: an object the package hands to a goroutine is judged
// when every such goroutine only reads its conn (without a fix: no edit
// can wait for the reader) or never touches it, and not when one may
// close, write or hand it on, nor in the function that starts a reader.
func TestGoOwned(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "goowned")
}

// TestWrapFields: a field that holds a bufio wrapper over the object's
// conn field is that conn.
func TestWrapFields(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "wrapfields")
}

// TestLocalObjects: a conn stored into an object the function allocates
// stays the function's, and leaves only with the object.
func TestLocalObjects(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "localobjects")
}

// TestIORole: an io-typed parameter every call passes a stream conn to is
// judged like one.
func TestIORole(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "iorole")
}

// TestFreshObjects: a helper that reads and writes its conn through
// objects that fresh constructors make, and that do not outlive the
// call, has not handed the conn on; its caller's Close is judged, in
// its own package and through its facts in another.
func TestFreshObjects(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "freshobjects", "freshuse")
}

// TestEchoLoop: an echo loop over a frame writer that returns its write's
// error or io.ErrShortWrite through one variable stays within the path
// budget, because the writer's failed path is known to return a non-nil
// error (its caller stops there); the Close after a half-close without a
// drain is reported, the one after a drain is not.
func TestEchoLoop(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "echoloop")
}
