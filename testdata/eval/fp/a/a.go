// Package a: class A. Reads through a wrapper that a helper returns
// together with the conn are not counted as reads of the conn
// (go-imap and go-smtp tests: `s, c, scanner := testServerGreeted(t)`).
package a

import (
	"bufio"
	"io"
	"net"
)

func dial(addr string) (net.Conn, *bufio.Scanner, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	return c, bufio.NewScanner(c), nil
}

func capability(addr string) string {
	c, sc, err := dial(addr)
	if err != nil {
		return ""
	}
	defer c.Close() // FP writeclose: the reply is read through sc, as when sc is made here
	io.WriteString(c, "a001 CAPABILITY\r\n")
	sc.Scan()
	return sc.Text()
}
