// Package freshuse calls freshhelp's read helpers, through their facts:
// a helper that only uses the conn during the call leaves the caller's
// Close to be judged.
package freshuse

import (
	"errors"
	"freshhelp"
	"io"
	"net"
	"time"
)

// refused is what fail writes before it gives up.
var refused = []byte{0xff}

// fail answers a refused frame and returns: the peer may still be sending.
func fail(conn net.Conn, err error) {
	if !errors.Is(err, freshhelp.ErrProtocol) {
		return
	}
	conn.Write(refused)
}

// failGracefully answers a refused frame, half-closes and drains.
func failGracefully(conn net.Conn, err error) {
	if !errors.Is(err, freshhelp.ErrProtocol) {
		return
	}
	if _, err := conn.Write(refused); err != nil {
		return
	}
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.Copy(io.Discard, conn)
}

// Echo answers a refused frame and closes: the reply may be lost to a
// reset, as the frames the peer still sends turn Close into RST.
func Echo(conn net.Conn) {
	defer conn.Close() // want `conn is closed after a write \(line 47\) without CloseWrite and a drain`
	for {
		p, err := freshhelp.ReadFrame(conn)
		if err != nil {
			fail(conn, err)
			return
		}
		if _, err := conn.Write(p); err != nil {
			return
		}
	}
}

// EchoGracefully fails the conn gracefully: silent.
func EchoGracefully(conn net.Conn) {
	defer conn.Close()
	for {
		p, err := freshhelp.ReadFrame(conn)
		if err != nil {
			failGracefully(conn, err)
			return
		}
		if _, err := conn.Write(p); err != nil {
			return
		}
	}
}

// EchoKept gives the conn to Keep, which keeps it: handed on, silent.
func EchoKept(conn net.Conn) {
	defer conn.Close()
	freshhelp.Keep(conn)
	conn.Write(refused)
}

// EchoReader gets the reader back from Reader: the conn left with it,
// silent.
func EchoReader(conn net.Conn) {
	defer conn.Close()
	freshhelp.Reader(conn)
	conn.Write(refused)
}

// Hello writes a greeting and reads the answer: the read is a drain's
// worth (the peer answered), so silent.
func Hello(conn net.Conn) {
	defer conn.Close()
	conn.Write(refused)
	freshhelp.ReadFrame(conn)
}
