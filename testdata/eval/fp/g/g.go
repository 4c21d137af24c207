// Package g: class G. A write after a read to EOF: once EOF has been read
// the peer can send nothing more, so the Close cannot reset. The model
// looks for the drain only after the last write (fasthttp tcplisten test).
package g

import (
	"io"
	"net"
)

func echo(c net.Conn) {
	req, err := io.ReadAll(c)
	if err != nil {
		c.Close()
		return
	}
	c.Write(req)
	c.Close() // FP writeclose: EOF was read before the write
}
