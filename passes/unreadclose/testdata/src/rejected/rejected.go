// Package rejected holds reads that a helper rejects: the helper's read
// succeeded and it returned an error of its own (a malformed frame, a
// length out of range), so the rest of the peer's message is unread. Such
// a read is no reply read in full and no end of the read side.
package rejected

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
)

// readFrame reads a length-prefixed frame and refuses a length out of
// range before reading the body.
func readFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > 1<<20 {
		return nil, errors.New("malformed frame")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// echo answers each frame in a request-response loop. When readFrame
// refuses a frame, its body is unread: the Close resets the peer, which
// loses the echoes it had not read yet.
func echo(c net.Conn) {
	for {
		msg, err := readFrame(c)
		if err != nil {
			c.Close() // want `conn is closed after a read \(line 37\) that stopped before EOF`
			return
		}
		if _, err := c.Write(msg); err != nil {
			c.Close()
			return
		}
	}
}

// call writes a request and reads the reply frame: a reply read in full
// is not reported by default, a refused one is.
func call(c net.Conn, req []byte) ([]byte, error) {
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	reply, err := readFrame(c)
	if err != nil {
		c.Close() // want `conn is closed after a read \(line 56\) that stopped before EOF`
		return nil, err
	}
	return reply, c.Close()
}

// readExact reads a fixed-size frame; every error it returns is the
// read's own (EOF or a failure): the read side has ended.
func readExact(r io.Reader) ([]byte, error) {
	buf := make([]byte, 16)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// echoExact is echo over readExact: not reported.
func echoExact(c net.Conn) {
	for {
		msg, err := readExact(c)
		if err != nil {
			c.Close()
			return
		}
		if _, err := c.Write(msg); err != nil {
			c.Close()
			return
		}
	}
}

// startTLS sends a request and refuses the answer: a helper that also
// wrote has read a complete reply when it refuses it (PostgreSQL answers
// an SSLRequest with one byte), so its error is not a rejected read.
func startTLS(c net.Conn) error {
	if _, err := c.Write([]byte{0, 0, 0, 8, 4, 210, 22, 47}); err != nil {
		return err
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil {
		return err
	}
	if b[0] != 'S' {
		return errors.New("server refused TLS")
	}
	return nil
}

// connect closes when startTLS refuses: not reported.
func connect(c net.Conn) error {
	if err := startTLS(c); err != nil {
		c.Close()
		return err
	}
	return nil
}

// callDrained drains what follows a refused reply before the Close: not
// reported.
func callDrained(c net.Conn, req []byte) ([]byte, error) {
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	reply, err := readFrame(c)
	if err != nil {
		io.Copy(io.Discard, io.LimitReader(c, 256<<10))
		c.Close()
		return nil, err
	}
	return reply, c.Close()
}

// errShort is a sentinel error. A package variable may be nil, and some
// sentinels mean that the read side ended (io.ErrUnexpectedEOF), so a
// helper path that returns one has an unknown outcome: not a rejected
// read.
var errShort = errors.New("short frame")

// readSentinel refuses a short frame with the sentinel.
func readSentinel(r io.Reader) ([]byte, error) {
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	if err != nil {
		return nil, err
	}
	if n < 8 {
		return nil, errShort
	}
	return buf[:n], nil
}

// echoSentinel is echo over readSentinel: not reported.
func echoSentinel(c net.Conn) {
	for {
		msg, err := readSentinel(c)
		if err != nil {
			c.Close()
			return
		}
		if _, err := c.Write(msg); err != nil {
			c.Close()
			return
		}
	}
}

// pipe copies src into dst until either fails: its error after reading
// src may be dst's (a failed write), so it is no rejected read of src.
func pipe(dst, src net.Conn) error {
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return err
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return err
		}
	}
}

// relay tears both sides down when the copy fails: not reported.
func relay(dst, src net.Conn) {
	if err := pipe(dst, src); err != nil {
		src.Close()
		dst.Close()
	}
}
