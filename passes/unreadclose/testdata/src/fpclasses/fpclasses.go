// Package fpclasses holds one regression case per unreadclose
// false-positive class found by the evaluation (docs/evaluation.md).
package fpclasses

import (
	"io"
	"net"
)

// Class C1: a named interface with CloseWrite that is not a socket.
type Channel interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
	CloseWrite() error
}

func peek(ch Channel) {
	defer ch.Close()
	buf := make([]byte, 1)
	ch.Read(buf)
}

// Class F: a Read that must have returned io.EOF to go on.
func expectEOF(c net.Conn) {
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != io.EOF {
		panic(err)
	}
	c.Close()
}

// Class P (exchange loop): a lock-step request-response loop (x/net
// nettest's ping-pong). The read site takes the peer's replies on every
// round but the first; a break after it leaves nothing unread.
func pingPong(c net.Conn) {
	buf := make([]byte, 8)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			break
		}
		if buf[0] == 0xff {
			break
		}
		if _, err := c.Write(buf); err != nil {
			break
		}
	}
	c.Close()
}
