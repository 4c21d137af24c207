// Package drain is a socktest fixture: a function that needs the peer's
// EOF before it answers.
package drain

import (
	"io"
	"net"
	"time"
)

// Count reads the peer's whole request (until EOF, under a deadline), then
// answers with one byte per byte read, and closes.
func Count(c *net.TCPConn) error {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	req, err := io.ReadAll(c)
	if err != nil {
		c.Close()
		return err
	}
	if _, err := c.Write(make([]byte, len(req))); err != nil {
		c.Close()
		return err
	}
	return c.Close()
}
