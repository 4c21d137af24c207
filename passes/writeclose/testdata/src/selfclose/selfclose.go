// Package selfclose names as the helper a function of its own that only
// closes: where the close already goes through it, calling it again would
// fix nothing, so no fix is offered (teardown -fix would otherwise repeat
// the same edit round after round).
package selfclose

import "net"

// CloseGracefully only closes.
func CloseGracefully(c net.Conn) error { return c.Close() }

func reply(c net.Conn, b []byte) error {
	if _, err := c.Write(b); err != nil {
		return err
	}
	return CloseGracefully(c) // want `conn is closed by CloseGracefully after a write \(line 13\) without CloseWrite and a drain`
}
