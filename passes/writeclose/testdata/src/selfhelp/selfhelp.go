// Package selfhelp has its own helper: the fix calls it unqualified and
// imports nothing.
package selfhelp

import (
	"io"
	"net"
	"time"
)

// CloseGracefully half-closes, drains under a deadline, and closes.
func CloseGracefully(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 256<<10))
	return c.Close()
}

func send(c net.Conn, b []byte) error {
	c.Write(b)
	return c.Close() // want `conn is closed after a write \(line 22\) without CloseWrite and a drain`
}
