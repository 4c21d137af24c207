// Package e: class E. A deferred Close on a path where the conn is already
// closed is reported again (go-smtp test, go-proxyproto examples). The
// second Close does nothing.
package e

import (
	"io"
	"net"
)

func abort(c net.Conn) {
	defer c.Close() // FP writeclose: c is already closed on every path reaching here
	io.WriteString(c, "BDAT 8\r\nHey <")
	c.Close() // OK writeclose (the first Close)
}
