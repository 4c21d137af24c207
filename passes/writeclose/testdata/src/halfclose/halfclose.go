// Package halfclose holds the paths on which no drain is demanded
// because none is possible: the conn has no CloseWrite (an assertion
// failed), or its CloseWrite failed.
package halfclose

import (
	"io"
	"net"
	"time"
)

// gracefulIfPossible half-closes and drains where it can. Where the conn
// has no CloseWrite, or CloseWrite failed, Close is the best left.
func gracefulIfPossible(c net.Conn, msg []byte) {
	c.Write(msg)
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		if err := cw.CloseWrite(); err != nil {
			c.Close()
			return
		}
		c.SetReadDeadline(time.Now().Add(time.Second))
		io.Copy(io.Discard, c)
	}
	c.Close()
}

// halfCloseIfPossible half-closes where it can but never drains: the path
// on which it did half-close is reported.
func halfCloseIfPossible(c net.Conn, msg []byte) {
	c.Write(msg)
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.Close() // want `after CloseWrite but without a drain`
}

// closeWriter is an interface of the package's own, as inetaf/tcpproxy
// and go-socks5 name it: its CloseWrite is still the conn's.
type closeWriter interface{ CloseWrite() error }

// closeWrite is tcpproxy's closeWrite (tcpproxy.go:374).
func closeWrite(c net.Conn) {
	if c, ok := c.(closeWriter); ok {
		c.CloseWrite()
	}
}

// replyThenHalfClose half-closes through the helper and drains.
func replyThenHalfClose(c net.Conn, msg []byte) {
	c.Write(msg)
	closeWrite(c)
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	c.Close()
}

// replyNoDrain half-closes through the helper and closes.
func replyNoDrain(c net.Conn, msg []byte) {
	c.Write(msg)
	closeWrite(c)
	c.Close() // want `after CloseWrite but without a drain`
}

// closeWriteChecked returns CloseWrite's error: the caller's error edge is
// a failed half-close.
func closeWriteChecked(c net.Conn) error {
	if cw, ok := c.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return nil
}

// failedThroughHelper closes at once where the helper's CloseWrite failed.
func failedThroughHelper(c net.Conn, msg []byte) {
	c.Write(msg)
	if err := closeWriteChecked(c); err != nil {
		c.Close()
		return
	}
	io.Copy(io.Discard, c)
	c.Close()
}
