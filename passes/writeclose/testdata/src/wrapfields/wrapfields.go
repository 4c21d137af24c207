// Package wrapfields: a struct that keeps a bufio wrapper over its conn in
// a field of its own (wrapfields.go). The wrapper field is the conn: a
// method that writes through it and closes the conn field is judged with
// both.
package wrapfields

import (
	"bufio"
	"net"
	"os"
)

// Client keeps buffered wrappers over its conn, as protocol clients do.
type Client struct {
	conn net.Conn
	bw   *bufio.Writer
	br   *bufio.Reader
}

// Dial makes a client: the literal gives bw and br wrappers over conn.
func Dial(addr string) (*Client, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c, bw: bufio.NewWriter(c), br: bufio.NewReader(c)}, nil
}

// Quit writes its goodbye through bw, flushes it, and closes conn: one
// connection, so the Close comes after a write.
func (c *Client) Quit() error {
	c.bw.WriteString("QUIT\r\n")
	c.bw.Flush()
	return c.conn.Close() // want `conn is closed after a write \(line 33\) without CloseWrite and a drain`
}

// Ask reads the reply to its request before it closes: the peer answered,
// so it consumed the request.
func (c *Client) Ask() error {
	c.bw.WriteString("PING\r\n")
	if err := c.bw.Flush(); err != nil {
		return err
	}
	if _, err := c.br.ReadString('\n'); err != nil {
		return err
	}
	return c.conn.Close()
}

// Session sets its conn and the wrapper over it in two statements.
type Session struct {
	conn net.Conn
	w    *bufio.Writer
}

// newSession assigns s.conn = c and s.w = bufio.NewWriter(c).
func newSession(c net.Conn) *Session {
	s := new(Session)
	s.conn = c
	s.w = bufio.NewWriter(c)
	return s
}

// reuse moves the writer onto the session's own conn again.
func (s *Session) reuse() {
	s.w.Reset(s.conn)
}

// Fail writes an error through w and closes.
func (s *Session) Fail(msg string) {
	s.w.WriteString(msg)
	s.w.Flush()
	s.conn.Close() // want `conn is closed after a write \(line 72\) without CloseWrite and a drain`
}

// Logger's writer is sometimes over os.Stdout: it is no wrapper of the
// conn, so its writes are not the conn's, and the Close after them is
// judged on the conn's own history (nothing written: silent).
type Logger struct {
	conn net.Conn
	bw   *bufio.Writer
}

// NewLogger may point bw at standard output.
func NewLogger(c net.Conn, toStdout bool) *Logger {
	l := &Logger{conn: c, bw: bufio.NewWriter(c)}
	if toStdout {
		l.bw = bufio.NewWriter(os.Stdout)
	}
	return l
}

// Stop writes through bw and closes the conn.
func (l *Logger) Stop() error {
	l.bw.WriteString("bye\n")
	l.bw.Flush()
	return l.conn.Close()
}

// Pooled's reader is Reset onto a stream other than its conn.
type Pooled struct {
	conn net.Conn
	bw   *bufio.Writer
}

// attach moves bw onto another writer: bw is not (only) the conn's.
func (p *Pooled) attach(other *os.File) {
	p.bw.Reset(other)
}

// Close writes through bw and closes the conn: not judged with bw.
func (p *Pooled) Close() error {
	p.bw.WriteString("bye\n")
	p.bw.Flush()
	return p.conn.Close()
}

// Pair sets its fields positionally, the writer over the conn.
type Pair struct {
	conn net.Conn
	bw   *bufio.Writer
}

// NewPair gives bw a writer over conn, positionally.
func NewPair(c net.Conn) *Pair { return &Pair{c, bufio.NewWriter(c)} }

// Bye writes through bw and closes.
func (p *Pair) Bye() error {
	p.bw.WriteString("bye\n")
	p.bw.Flush()
	return p.conn.Close() // want `conn is closed after a write \(line 130\) without CloseWrite and a drain`
}

// Tee sets its writer positionally over standard output: no wrapper.
type Tee struct {
	conn net.Conn
	bw   *bufio.Writer
}

// NewTee gives bw a writer over os.Stdout.
func NewTee(c net.Conn) *Tee { return &Tee{c, bufio.NewWriter(os.Stdout)} }

// Bye writes through bw (standard output) and closes the conn.
func (t *Tee) Bye() error {
	t.bw.WriteString("bye\n")
	t.bw.Flush()
	return t.conn.Close()
}
