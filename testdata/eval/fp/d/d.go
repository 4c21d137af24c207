// Package d: class D. A helper that wraps its conn parameter in a
// bufio.Reader held in an io.Reader variable, and later reassigns that
// variable, loses the parameter: its summary records no read, so the
// caller's reply read is invisible (memberlist readStream).
package d

import (
	"bufio"
	"bytes"
	"io"
	"net"
)

func readMsg(conn net.Conn) (byte, error) {
	var r io.Reader = bufio.NewReader(conn)
	var t [1]byte
	if _, err := io.ReadFull(r, t[:]); err != nil {
		return 0, err
	}
	if t[0] == 1 { // e.g. a compressed or encrypted body
		r = bytes.NewReader(nil)
	}
	_, err := io.ReadFull(r, t[:])
	return t[0], err
}

func ping(conn net.Conn) error {
	defer conn.Close() // FP writeclose: the reply is read by readMsg
	if _, err := conn.Write([]byte("ping")); err != nil {
		return err
	}
	_, err := readMsg(conn)
	return err
}
