package writeclose_test

import (
	"testing"

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

// TestNotTCP: conns of the package's own types over what is not a stream
// socket, and in-memory conns loaded from a collection, have no TCP
// teardown.
func TestNotTCP(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "notcp")
}
