// Package graceful is a socktest fixture: the safe graceful close.
package graceful

import (
	"io"
	"net"
	"time"
)

// Graceful writes 1,000,000 bytes, half-closes, drains the peer's data until
// EOF under a deadline, then closes. The peer gets every byte and EOF.
func Graceful(c *net.TCPConn) error {
	if _, err := c.Write(make([]byte, 1_000_000)); err != nil {
		c.Close()
		return err
	}
	if err := c.CloseWrite(); err != nil {
		c.Close()
		return err
	}
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		c.Close()
		return err
	}
	if _, err := io.Copy(io.Discard, c); err != nil {
		c.Close()
		return err
	}
	return c.Close()
}
