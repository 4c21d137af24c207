// Package f: class F. A Read whose error must be io.EOF to go on
// (`err != io.EOF` leads to a no-return call) is not taken as a read to
// EOF (go-proxyproto and fasthttp tests).
package f

import (
	"io"
	"net"
)

func expectEOF(c net.Conn) {
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != io.EOF {
		panic(err)
	}
	c.Close() // FP unreadclose: Read returned io.EOF on this path
}
