// Package abort is a socktest fixture: an abortive close.
package abort

import "net"

// Abort writes 1,000,000 bytes, sets SO_LINGER to 0 and closes. The close
// sends RST and discards whatever the kernel had not sent yet.
func Abort(c net.Conn) error {
	if _, err := c.Write(make([]byte, 1_000_000)); err != nil {
		c.Close()
		return err
	}
	if err := c.(*net.TCPConn).SetLinger(0); err != nil {
		c.Close()
		return err
	}
	return c.Close()
}
