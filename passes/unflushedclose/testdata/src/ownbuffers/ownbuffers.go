// Package ownbuffers: a buffered writer type of the package's own (a
// Write that fills a pooled bufio.Writer, a Flush that sends it) kept in a
// field beside the conn it is built over is that conn, written with
// buffered writes; so is a framer built over that field and kept in
// another (connflow's ownbuffers.go). Writing through either and closing
// the conn without a Flush loses the buffered bytes.
package ownbuffers

import (
	"bufio"
	"io"
	"net"
	"sync"
)

// bufferedWriter buffers what is written to conn in a pooled writer.
type bufferedWriter struct {
	conn net.Conn
	bw   *bufio.Writer
}

func newBufferedWriter(c net.Conn) *bufferedWriter { return &bufferedWriter{conn: c} }

var pool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}

func (w *bufferedWriter) Write(p []byte) (int, error) {
	if w.bw == nil {
		w.bw = pool.Get().(*bufio.Writer)
		w.bw.Reset(w.conn)
	}
	return w.bw.Write(p)
}

func (w *bufferedWriter) Flush() error {
	bw := w.bw
	if bw == nil {
		return nil
	}
	err := bw.Flush()
	bw.Reset(nil)
	pool.Put(bw)
	w.bw = nil
	return err
}

// framer writes frames into w.
type framer struct {
	w io.Writer
}

func newFramer(w io.Writer) *framer { return &framer{w: w} }

func (f *framer) writeGoAway(code byte) error {
	_, err := f.w.Write([]byte{0, 0, 1, 7, 0, code})
	return err
}

// Server writes its frames through a framer over its buffered writer.
type Server struct {
	conn   net.Conn
	bw     *bufferedWriter
	framer *framer
}

// NewServer builds the writer and the framer over c.
func NewServer(c net.Conn) *Server {
	s := &Server{conn: c, bw: newBufferedWriter(c)}
	fr := newFramer(s.bw)
	s.framer = fr
	return s
}

// Reject writes a GOAWAY frame into the buffer and closes: the frame
// never reaches the socket.
func (s *Server) Reject() error {
	s.framer.writeGoAway(1)
	return s.conn.Close() // want `conn is closed while a buffered write \(line 76\) is unflushed`
}

// Refuse flushes the frame before the Close.
func (s *Server) Refuse() error {
	s.framer.writeGoAway(1)
	s.bw.Flush()
	return s.conn.Close()
}

// Busy writes into the buffered writer itself and closes.
func (s *Server) Busy() error {
	s.bw.Write([]byte("busy\n"))
	return s.conn.Close() // want `conn is closed while a buffered write \(line 89\) is unflushed`
}

// Direct's framer writes straight to the conn: nothing is buffered.
type Direct struct {
	conn   net.Conn
	framer *framer
}

// NewDirect builds the framer over c itself.
func NewDirect(c net.Conn) *Direct {
	d := &Direct{conn: c}
	d.framer = newFramer(d.conn)
	return d
}

// Reject's frame is written to the socket before the Close.
func (d *Direct) Reject() error {
	d.framer.writeGoAway(1)
	return d.conn.Close()
}

// counter counts what it writes to conn; it has no Flush: it is no
// buffered writer, and its writes are its own method's business.
type counter struct {
	conn net.Conn
	bw   *bufio.Writer
	n    int
}

func (c *counter) Write(p []byte) (int, error) {
	c.n += len(p)
	return c.bw.Write(p)
}

// Logged keeps a counter beside its conn.
type Logged struct {
	conn net.Conn
	out  *counter
}

// NewLogged builds the counter over c.
func NewLogged(c net.Conn) *Logged {
	return &Logged{conn: c, out: &counter{conn: c, bw: bufio.NewWriter(c)}}
}

// Done writes through the counter and closes: the counter is not known
// to be a buffer over conn, so nothing is judged of it.
func (l *Logged) Done() error {
	l.out.Write([]byte("done\n"))
	return l.conn.Close()
}
