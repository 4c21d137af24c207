// Package app uses netx's helpers.
package app

import (
	"net"

	"e2e.example/netx"
)

// Reply writes through a helper in another package, then closes: the
// write is known here only from netx.WriteAll's fact.
func Reply(c net.Conn, resp []byte) error {
	if err := netx.WriteAll(c, resp); err != nil {
		return err
	}
	return c.Close()
}

// ReplyGracefully is Reply with a helper that half-closes and drains.
func ReplyGracefully(c net.Conn, resp []byte) error {
	if err := netx.WriteAll(c, resp); err != nil {
		return err
	}
	return netx.CloseGracefully(c)
}

// ReplyAndLog is Reply with a second helper between the write and the
// Close: the finding needs the facts of both.
func ReplyAndLog(c net.Conn, resp []byte) (string, error) {
	if err := netx.WriteAll(c, resp); err != nil {
		return "", err
	}
	name := netx.Name(c)
	return name, c.Close()
}

// Dial connects, and configures a blocking Close.
func Dial(addr string) (*net.TCPConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	tc.SetLinger(10)
	return tc, nil
}
