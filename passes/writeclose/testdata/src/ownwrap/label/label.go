// Package label strips a one-byte label from the front of a stream. Its
// Strip is a wrapper constructor: the conn it returns is the caller's
// conn (a Wraps fact says so to other packages).
package label

import (
	"bufio"
	"net"
)

// peeked is a conn whose first bytes were read ahead into a buffer.
type peeked struct {
	buf []byte
	net.Conn
}

// Read returns the buffered bytes first.
func (p *peeked) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// Strip reads the label byte and returns the conn with the rest of what
// was read ahead.
func Strip(c net.Conn) (net.Conn, byte, error) {
	br := bufio.NewReader(c)
	b, err := br.ReadByte()
	if err != nil {
		return nil, 0, err
	}
	rest, _ := br.Peek(br.Buffered())
	return &peeked{buf: rest, Conn: c}, b, nil
}

var registry []net.Conn

// Keep returns its conn, but hands it to a registry too: what the
// caller does with the conn afterwards is not the caller's alone.
func Keep(c net.Conn) (net.Conn, error) {
	registry = append(registry, c)
	return c, nil
}
