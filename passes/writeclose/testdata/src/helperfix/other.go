package helperfix

import "net"

// This file does not import gracefulx yet; the package does.
func other(c *net.TCPConn, b []byte) {
	c.Write(b)
	c.Close() // want `conn is closed after a write \(line 7\) without CloseWrite and a drain`
}
