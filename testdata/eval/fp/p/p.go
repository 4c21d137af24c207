// Package p: class P, for reference. The rule's claim fails for a reason
// only the protocol knows: here, the peer sends exactly 4 bytes and waits
// for the reply. The model cannot prove that. The remedy is
// //teardown:ignore writeclose <reason>, not a model change.
package p

import (
	"io"
	"net"
)

func pong(c net.Conn) {
	defer c.Close() // FP writeclose (protocol: the peer sends "ping" and nothing more)
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil {
		return
	}
	c.Write([]byte("pong"))
}
