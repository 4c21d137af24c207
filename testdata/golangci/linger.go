package golangcitest

import "net"

// hangup sets SO_LINGER {1, 0} with no reason given: lingerzero removes it.
func hangup(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// slow makes Close block: lingerblock (a warning).
func slow(c *net.TCPConn) {
	c.SetLinger(5)
	c.Close()
}
