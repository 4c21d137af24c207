// Package echoloop is an echo server over a framed protocol whose frame
// writer returns its write's error, or io.ErrShortWrite, through one
// variable. Until the model knew that the path on which the write failed
// returns a non-nil error, the loops' paths after a failed write went on as
// if it had succeeded, and their histories outgrew the path budget: the
// Closes went unchecked.
package echoloop

import (
	"errors"
	"io"
	"net"
	"time"
)

var errProtocol = errors.New("protocol error")

// writeFull writes b, and says a short write is an error.
func writeFull(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if n < len(b) && err == nil {
		err = io.ErrShortWrite
	}
	return err
}

// writeFrame writes a header, then the payload.
func writeFrame(w io.Writer, op byte, p []byte) error {
	if err := writeFull(w, []byte{op, byte(len(p))}); err != nil {
		return err
	}
	return writeFull(w, p)
}

// readFrame reads a frame and returns its payload, or answers a ping
// and returns none.
func readFrame(rw io.ReadWriter) ([]byte, error) {
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(rw, hdr); err != nil {
		return nil, err
	}
	if hdr[0] > 9 {
		return nil, errProtocol
	}
	p := make([]byte, hdr[1])
	if _, err := io.ReadFull(rw, p); err != nil {
		return nil, err
	}
	if hdr[0] == 9 {
		if err := writeFrame(rw, 10, p); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return p, nil
}

// Echo refuses a bad frame with a close frame and a FIN, and closes
// without waiting for the peer's: the close frame may be lost to an RST.
func Echo(c net.Conn) {
	defer c.Close() // want `conn is closed after a write \(line 65\) after CloseWrite but without a drain`
	for {
		p, err := readFrame(c)
		if err != nil {
			refuse(c, err)
			return
		}
		if p == nil {
			continue
		}
		if err := writeFrame(c, 2, p); err != nil {
			return
		}
	}
}

// EchoDrained reads the peer's side to EOF after its FIN: silent.
func EchoDrained(c net.Conn) {
	defer c.Close()
	for {
		p, err := readFrame(c)
		if err != nil {
			refuseDrained(c, err)
			return
		}
		if p == nil {
			continue
		}
		if err := writeFrame(c, 2, p); err != nil {
			return
		}
	}
}

// refuse sends a close frame and half-closes.
func refuse(c net.Conn, err error) {
	if err != errProtocol {
		return
	}
	if err := writeFrame(c, 8, nil); err != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

// refuseDrained also reads what the peer sends until its FIN.
func refuseDrained(c net.Conn, err error) {
	if err != errProtocol {
		return
	}
	if err := writeFrame(c, 8, nil); err != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
}
