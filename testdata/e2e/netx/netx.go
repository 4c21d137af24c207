// Package netx holds connection helpers. Package app calls them, so what
// they do to a conn reaches app only through connflow.Summary facts.
package netx

import (
	"io"
	"net"
	"time"
)

// Hangup sets SO_LINGER {1, 0} with no reason given: the fix removes it.
func Hangup(c *net.TCPConn) error {
	c.SetLinger(0)
	return c.Close()
}

// Probe is an abortive close with a written reason: not reported.
func Probe(c *net.TCPConn) error {
	//teardown:abort health probe: the peer expects RST and TIME_WAIT must not pile up
	c.SetLinger(0)
	return c.Close()
}

// SlowClose makes every later Close block.
func SlowClose(c *net.TCPConn) error {
	return c.SetLinger(5)
}

// WriteAll writes all of b to c.
func WriteAll(c net.Conn, b []byte) error {
	for len(b) > 0 {
		n, err := c.Write(b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// CloseGracefully half-closes c, drains it under a deadline, then closes it.
func CloseGracefully(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, io.LimitReader(c, 256<<10))
	return c.Close()
}

// Name describes c: it neither reads, writes nor closes it.
func Name(c net.Conn) string {
	return c.LocalAddr().String() + "->" + c.RemoteAddr().String()
}
