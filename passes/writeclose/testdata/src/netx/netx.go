// Package netx is a helper package in another package: its effects reach
// callers through facts.
package netx

import (
	"io"
	"net"
	"time"
)

// WriteAll writes b to w.
func WriteAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}

// CloseGracefully half-closes, drains under a deadline, and closes.
func CloseGracefully(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, io.LimitReader(c, 256<<10))
	return c.Close()
}

// Keep stores the conn: ownership moves into the pool.
func Keep(c net.Conn) { pool = append(pool, c) }

var pool []net.Conn

// Pipe copies src into dst, half-closes dst, and tells done on every
// path: its Signals fact says so to the packages that start it.
func Pipe(dst, src net.Conn, done chan<- error) {
	_, err := io.Copy(dst, src)
	if cw, ok := dst.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	done <- err
}
