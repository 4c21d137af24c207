// Package lingerhelp holds linger helpers that another package calls:
// their LingerParams facts carry what they do, and what they say for
// themselves.
package lingerhelp

import "net"

// Linger sets c's linger time to secs.
func Linger(c *net.TCPConn, secs int) error {
	return c.SetLinger(secs)
}

// Reset makes Close send RST, because a health probe must not leave
// TIME_WAIT sockets behind on the load balancer.
func Reset(c *net.TCPConn, secs int) error {
	return c.SetLinger(secs)
}
