// Package gracefulx has graceful-close helpers for -writeclose.helper,
// one usable (Close) and others the fix must refuse.
package gracefulx

import (
	"io"
	"net"
	"time"
)

// Close half-closes, drains under a deadline, and closes.
func Close(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 256<<10))
	return c.Close()
}

// NoError returns nothing: it cannot stand in `return c.Close()`.
func NoError(c net.Conn) { Close(c) }

// Generic is generic.
func Generic[T net.Conn](c T) error { return Close(c) }

// Timeout takes two arguments.
func Timeout(c net.Conn, d time.Duration) error { return Close(c) }

// TCP takes a *net.TCPConn: a net.Conn is not assignable to it.
func TCP(c *net.TCPConn) error { return Close(c) }

// Limit is not a function.
var Limit = 256 << 10

func unexported(c net.Conn) error { return Close(c) }
