// Package freshobjects: a helper that reads its conn through an object a
// fresh constructor makes, and that does not outlive the call, has not
// handed the conn on; an object that outlives the call (returned, stored,
// captured by a goroutine, passed to code the model cannot see), or a
// constructor that keeps its argument elsewhere too, hands it on.
package freshobjects

import (
	"io"
	"net"
)

// lineReader reads from src.
type lineReader struct {
	src io.Reader
	buf []byte
}

// newLineReader is a fresh constructor.
func newLineReader(r io.Reader) *lineReader {
	return &lineReader{src: r, buf: make([]byte, 512)}
}

// read reads once.
func (l *lineReader) read() (int, error) { return l.src.Read(l.buf) }

// readReply reads a reply through a fresh reader: it reads c.
func readReply(c io.Reader) error {
	lr := newLineReader(c)
	_, err := lr.read()
	return err
}

// Ask writes a request and reads the reply through readReply before it
// closes: the peer answered. Silent.
func Ask(c net.Conn, req []byte) error {
	if _, err := c.Write(req); err != nil {
		c.Close()
		return err
	}
	readReply(c)
	return c.Close()
}

// AskThenTell reads the reply, then writes once more and closes: the last
// write may be lost to a reset.
func AskThenTell(c net.Conn, req []byte) error {
	readReply(c)
	c.Write(req)
	return c.Close() // want `conn is closed after a write \(line 49\) without CloseWrite and a drain`
}

// kept is where keepReply keeps its reader.
var kept *lineReader

// keepReply stores its reader in a global: c is handed on.
func keepReply(c io.Reader) error {
	lr := newLineReader(c)
	kept = lr
	_, err := lr.read()
	return err
}

// holder keeps a reader in a field.
type holder struct{ lr *lineReader }

// fieldReply stores its reader into h's field: c is handed on.
func fieldReply(h *holder, c io.Reader) error {
	lr := newLineReader(c)
	h.lr = lr
	_, err := lr.read()
	return err
}

// asyncReader is read by a goroutine; its objects own nothing the model
// follows (a goroutine of the package uses them).
type asyncReader struct{ src io.Reader }

// newAsyncReader is a constructor of such objects.
func newAsyncReader(r io.Reader) *asyncReader { return &asyncReader{src: r} }

// read reads once.
func (a *asyncReader) read() { a.src.Read(make([]byte, 1)) }

// goReply reads in a goroutine that outlives the call: c is handed on.
func goReply(c io.Reader) {
	ar := newAsyncReader(c)
	go func() { ar.read() }()
}

// deferReply reads through its reader in a deferred call: still during
// the call, so it reads c.
func deferReply(c io.Reader) {
	lr := newLineReader(c)
	defer lr.read()
}

// later holds closures to run after the call.
var later []func()

// closureReply keeps a closure over its reader: c is handed on.
func closureReply(c io.Reader) {
	lr := newLineReader(c)
	later = append(later, func() { lr.read() })
}

// unknown is code the model cannot see.
var unknown func(*lineReader)

// unknownReply passes its reader to unknown code: c is handed on.
func unknownReply(c io.Reader) error {
	lr := newLineReader(c)
	unknown(lr)
	_, err := lr.read()
	return err
}

// returnReply returns its reader: c leaves with it.
func returnReply(c io.Reader) *lineReader {
	lr := newLineReader(c)
	lr.read()
	return lr
}

// sources is where newKeptReader also keeps its argument.
var sources []io.Reader

// newKeptReader retains its argument elsewhere: no fresh constructor.
func newKeptReader(r io.Reader) *lineReader {
	sources = append(sources, r)
	return &lineReader{src: r}
}

// keptReply reads through newKeptReader's object: c is handed on.
func keptReply(c io.Reader) error {
	lr := newKeptReader(c)
	_, err := lr.read()
	return err
}

// Handed writes after each helper that hands the conn on, and closes:
// silent, the conn is no longer this function's alone.
func Handed(c net.Conn, h *holder, req []byte, which int) error {
	switch which {
	case 0:
		keepReply(c)
	case 1:
		fieldReply(h, c)
	case 2:
		goReply(c)
	case 3:
		unknownReply(c)
	case 4:
		returnReply(c)
	case 5:
		closureReply(c)
	default:
		keptReply(c)
	}
	c.Write(req)
	return c.Close()
}

// Local reads through a fresh reader itself, then writes and closes: the
// write may be lost.
func Local(c net.Conn, req []byte) error {
	lr := newLineReader(c)
	lr.read()
	c.Write(req)
	return c.Close() // want `conn is closed after a write \(line 169\) without CloseWrite and a drain`
}

// Read makes lineReader an io.Reader.
func (l *lineReader) Read(p []byte) (int, error) { return l.src.Read(p) }

// drainTo copies everything its reader reads to w: the reader goes to
// io.Copy as an interface, which the model does not follow.
func (l *lineReader) drainTo(w io.Writer) { io.Copy(w, l) }

// copyReply copies the reply through drainTo: c is handed on (to
// io.Copy, as the reader's interface).
func copyReply(c io.Reader, w io.Writer) {
	lr := newLineReader(c)
	lr.drainTo(w)
}

// Copied writes after copyReply and closes: silent, c was handed on.
func Copied(c net.Conn, w io.Writer, req []byte) error {
	copyReply(c, w)
	c.Write(req)
	return c.Close()
}
