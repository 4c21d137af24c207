// Package helperfix is fixed with -writeclose.helper=gracefulx.Close.
package helperfix

import (
	"net"

	"gracefulx"
)

var _ = gracefulx.Limit

func deferred(c net.Conn, b []byte) error {
	defer c.Close() // want `conn is closed after a write \(line 14\) without CloseWrite and a drain`
	_, err := c.Write(b)
	return err
}

func returned(c net.Conn, b []byte) error {
	c.Write(b)
	return c.Close() // want `conn is closed after a write \(line 19\) without CloseWrite and a drain`
}

// A local variable takes the package's name at the Close: no fix.
func shadowed(c net.Conn, b []byte) error {
	gracefulx := len(b)
	c.Write(b[:gracefulx])
	return c.Close() // want `conn is closed after a write \(line 26\) without CloseWrite and a drain`
}
