// Package lingerblockcalls holds positive linger times set through a
// helper: reported at the call that supplies them.
package lingerblockcalls

import "net"

// setLinger is a helper whose parameter reaches SetLinger.
func setLinger(c *net.TCPConn, secs int) error {
	return c.SetLinger(secs)
}

func fiveSeconds(c *net.TCPConn) {
	setLinger(c, 5) // want `SetLinger\(5\) through setLinger makes Close block for up to 5 s`
}

func defaultLinger(c *net.TCPConn) {
	setLinger(c, -1)
}

func zero(c *net.TCPConn) {
	setLinger(c, 0) // lingerzero's
}
