package golangcitest

import "net"

// abort sets SO_LINGER {1, 0} without a //teardown:abort reason: lingerzero.
func abort(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// slow makes Close block: lingerblock (a warning).
func slow(c *net.TCPConn) {
	c.SetLinger(5)
	c.Close()
}
