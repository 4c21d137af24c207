// Package eofedge: a helper that both writes and reads returns an error.
// Where its own path says why (its read met EOF, or its write failed), the
// caller's error edge means that, not "the helper failed": after the
// peer's EOF the conn still works, and a reply left in the buffer is lost
// by the Close.
package eofedge

import (
	"bufio"
	"net"
)

// ---- reported ----

// A request loop whose helper writes the reply into the buffer and then
// reads the next request: the peer's EOF ends the loop, and the reply of
// the last exchange is still in bw.
func serve(c net.Conn) {
	bw := bufio.NewWriter(c)
	buf := make([]byte, 512)
	for {
		if err := exchange(c, bw, buf); err != nil {
			c.Close() // want `conn is closed while a buffered write \(line 22\) is unflushed`
			return
		}
	}
}

func exchange(c net.Conn, bw *bufio.Writer, buf []byte) error {
	bw.WriteString("reply\n")
	if _, err := c.Read(buf); err != nil {
		return err // the read met EOF (or an error): the read side ended
	}
	return nil
}

// The same helper as a method, with the conn and its writer after
// another parameter: the fix finds the writer among the operands.
type server struct{ served int }

func (s *server) serve(c net.Conn) {
	bw := bufio.NewWriter(c)
	buf := make([]byte, 512)
	for {
		if err := s.exchange(buf, c, bw); err != nil {
			c.Close() // want `conn is closed while a buffered write \(line 45\) is unflushed`
			return
		}
	}
}

func (s *server) exchange(buf []byte, c net.Conn, bw *bufio.Writer) error {
	s.served++
	bw.WriteString("reply\n")
	if _, err := c.Read(buf); err != nil {
		return err
	}
	return nil
}

// ---- not reported ----

// The helper flushes before it reads: at the peer's EOF nothing is left
// in the buffer.
func serveFlushed(c net.Conn) {
	defer c.Close()
	bw := bufio.NewWriter(c)
	buf := make([]byte, 512)
	for {
		if err := exchangeFlushed(c, bw, buf); err != nil {
			return
		}
	}
}

func exchangeFlushed(c net.Conn, bw *bufio.Writer, buf []byte) error {
	bw.WriteString("reply\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	if _, err := c.Read(buf); err != nil {
		return err
	}
	return nil
}

// The helper's Flush failed: the conn is broken, and nothing better than
// the Close is possible on that path.
func serveFailed(c net.Conn) {
	defer c.Close()
	bw := bufio.NewWriter(c)
	for {
		if err := flushOnly(c, bw); err != nil {
			return
		}
	}
}

func flushOnly(c net.Conn, bw *bufio.Writer) error {
	bw.WriteString("tick\n")
	return bw.Flush()
}

// ---- reported: the read's error returned as it is ----

// The helper returns its read's error without testing it: a non-nil
// error is still the read's (the peer's EOF), as when it tests it.
func serveUntested(c net.Conn) {
	bw := bufio.NewWriter(c)
	buf := make([]byte, 512)
	for {
		if err := exchangeUntested(c, bw, buf); err != nil {
			c.Close() // want `conn is closed while a buffered write \(line 112\) is unflushed`
			return
		}
	}
}

func exchangeUntested(c net.Conn, bw *bufio.Writer, buf []byte) error {
	bw.WriteString("reply\n")
	_, err := c.Read(buf)
	return err
}

// ---- not reported: the error returned is the last write's ----

// The helper reads the request, then writes and flushes the reply, and
// returns the Flush's error: a non-nil one is a failed conn, where no
// flush could deliver the reply.
func serveReplyLast(c net.Conn) {
	bw := bufio.NewWriter(c)
	buf := make([]byte, 512)
	for {
		if err := exchangeReplyLast(c, bw, buf); err != nil {
			c.Close()
			return
		}
	}
}

func exchangeReplyLast(c net.Conn, bw *bufio.Writer, buf []byte) error {
	if _, err := c.Read(buf); err != nil {
		return nil // the peer is done: nothing to answer
	}
	bw.WriteString("reply\n")
	return bw.Flush()
}
