// Package callbacks: a helper that reads a frame through a reader it
// allocates over its conn, with a callback over the same conn (a closure
// maker's result) in the reader's callback field, has read the conn and
// kept nothing: its caller's Close after a refused frame is judged. A
// helper that keeps the callback, or the reader, hands the conn on.
package callbacks

import (
	"errors"
	"io"
	"net"
	"time"
)

// handlerFunc handles a control frame, whose body r holds.
type handlerFunc func(hdr byte, r io.Reader) error

// frameReader reads one-byte frame headers from src and hands control
// frames to onControl.
type frameReader struct {
	src       io.Reader
	onControl handlerFunc
	hdr       [1]byte
}

// newFrameReader is a fresh constructor.
func newFrameReader(r io.Reader) *frameReader { return &frameReader{src: r} }

// next reads a frame header: one without the high bit is refused, a
// control frame goes to the callback.
func (f *frameReader) next() (byte, error) {
	if _, err := io.ReadFull(f.src, f.hdr[:]); err != nil {
		return 0, err
	}
	h := f.hdr[0]
	if h&0x80 == 0 {
		return h, errors.New("bad frame")
	}
	if cb := f.onControl; cb != nil && h&0x08 != 0 {
		return h, cb(h, nil)
	}
	return h, nil
}

// pong returns a callback that answers a control frame on w.
func pong(w io.Writer) handlerFunc {
	return func(hdr byte, r io.Reader) error {
		_, err := w.Write([]byte{hdr})
		return err
	}
}

// readFrame reads a frame, answering a control frame on rw.
func readFrame(rw io.ReadWriter) (byte, error) {
	fr := newFrameReader(rw)
	fr.onControl = pong(rw)
	return fr.next()
}

// Serve answers a refused frame with a close frame and closes: the
// frames the peer sent after the refused one turn Close into RST.
func Serve(c net.Conn) {
	defer c.Close() // want `conn is closed after a read \(line 64\) that stopped before EOF`
	if _, err := readFrame(c); err != nil {
		c.Write([]byte{0x88})
		return
	}
}

// ServeDrained drains the peer's frames under a deadline, after the close
// frame on a refused one: silent.
func ServeDrained(c net.Conn) {
	defer c.Close()
	if _, err := readFrame(c); err != nil {
		c.Write([]byte{0x88})
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
}

// kept is where keepFrame's callback goes.
var kept handlerFunc

// keepFrame keeps its callback: rw is handed on.
func keepFrame(rw io.ReadWriter) (byte, error) {
	kept = pong(rw)
	fr := newFrameReader(rw)
	return fr.next()
}

// ServeKept hands the conn on through keepFrame: silent.
func ServeKept(c net.Conn) {
	defer c.Close()
	if _, err := keepFrame(c); err != nil {
		return
	}
}

// openFrames returns its reader, with the callback in it: rw leaves with
// the reader.
func openFrames(rw io.ReadWriter) *frameReader {
	fr := newFrameReader(rw)
	fr.onControl = pong(rw)
	return fr
}

// ServeOpened closes a conn whose reader, and callback, openFrames
// returned: the caller keeps the reader; silent.
func ServeOpened(c net.Conn) *frameReader {
	fr := openFrames(c)
	if _, err := fr.next(); err != nil {
		c.Close()
		return nil
	}
	return fr
}

// readFrameOther stores a callback over another conn into the reader of
// rw: the store hands w on; rw is still read.
func readFrameOther(rw io.ReadWriter, w io.Writer) (byte, error) {
	fr := newFrameReader(rw)
	fr.onControl = pong(w)
	return fr.next()
}

// ServeOther answers control frames on another conn: c's refused frame
// is judged as in Serve.
func ServeOther(c, d net.Conn) {
	defer c.Close() // want `conn is closed after a read \(line 130\) that stopped before EOF`
	if _, err := readFrameOther(c, d); err != nil {
		return
	}
}

// nextData reads a frame through next: its summary carries next's call of
// the callback, which is still no stream of its own.
func (f *frameReader) nextData() (byte, error) {
	return f.next()
}

// readFrameVia reads a frame through nextData.
func readFrameVia(rw io.ReadWriter) (byte, error) {
	fr := newFrameReader(rw)
	fr.onControl = pong(rw)
	return fr.nextData()
}

// ServeVia closes right after a frame refused through a method that
// calls next: judged as after next itself. Its other path drains.
func ServeVia(c net.Conn) {
	if _, err := readFrameVia(c); err != nil {
		c.Close() // want `conn is closed after a read \(line 151\) that stopped before EOF`
		return
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	c.Close()
}

// Read reads the frame's body.
func (f *frameReader) Read(p []byte) (int, error) { return f.src.Read(p) }

// readFrameDirect answers a control frame itself, handing the callback
// the reader as an io.Reader: that call hands the reader, and rw, on; the
// refusal before it does not.
func readFrameDirect(rw io.ReadWriter) (byte, error) {
	fr := newFrameReader(rw)
	ch := pong(rw)
	fr.onControl = ch
	h, err := fr.next()
	if err != nil {
		return 0, err
	}
	if h&0x08 != 0 {
		return h, ch(h, fr)
	}
	return h, nil
}

// ServeDirect closes right after a frame refused by readFrameDirect:
// judged as in ServeVia. Its other path drains.
func ServeDirect(c net.Conn) {
	if _, err := readFrameDirect(c); err != nil {
		c.Close() // want `conn is closed after a read \(line 183\) that stopped before EOF`
		return
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	c.Close()
}
