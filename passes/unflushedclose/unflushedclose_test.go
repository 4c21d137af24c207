package unflushedclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/unflushedclose"
)

func Test(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "unflushedclose")
}

// TestWrapFields: a buffered writer kept in a field over the object's
// conn field is that conn: writing through it and closing the conn
// without a Flush is reported; a writer over a file is not the conn's.
func TestWrapFields(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "wrapfields")
}

// TestShared: a conn that a goroutine of the package also writes is
// judged for what the method itself buffered (connflow's FromShared).
func TestShared(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "shared")
}

// TestOwnBuffers: the package's own buffered writer kept beside the
// conn, and a framer built over it, are that conn's buffer; a writer type
// without a Flush is not.
func TestOwnBuffers(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "ownbuffers")
}

// TestEncoders: a json or gob encoder made over a bufio.Writer fills its
// buffer; closing the conn without a Flush is reported, and the fix
// flushes the writer under the encoder.
func TestEncoders(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "encoders")
}

// TestCodecs: another package's encoder that follows encoding/json's
// convention is judged like json.Encoder, also through a helper that
// receives it beside a reader over the same conn.
func TestCodecs(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "codecs")
}

// TestEOFEdge: a helper that writes and then reads returns the read's
// error at the peer's EOF; the caller's error edge is the end of the read
// side (the helper's path says so), not a broken conn, so a reply left in
// the buffer is reported there. A failed Flush is a broken conn.
func TestEOFEdge(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "eofedge")
}
