// Package helperfar neither imports gracefulx nor depends on it: a fix
// that imported it could not be checked (and would need go.mod's
// consent), so none is offered.
package helperfar

import "net"

func send(c net.Conn, b []byte) error {
	c.Write(b)
	return c.Close() // want `conn is closed after a write \(line 9\) without CloseWrite and a drain`
}
