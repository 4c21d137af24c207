// Package wrappers holds drains done through a reader over the conn that
// a helper receives beside the conn itself.
package wrappers

import (
	"bufio"
	"io"
	"net"
	"time"
)

type closeWriter interface{ CloseWrite() error }

// closeGracefully half-closes c and drains it through br, the reader
// over c that its caller reads with.
func closeGracefully(c net.Conn, br *bufio.Reader) error {
	if cw, ok := c.(closeWriter); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, br)
	return c.Close()
}

// serve reads a request through br and answers; the helper drains.
func serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		br := bufio.NewReader(c)
		line, _ := br.ReadString('\n')
		io.WriteString(c, line)
		closeGracefully(c, br)
	}
}

// handle receives the conn and the reader over it, and drains the reader
// after its reply: the drain is the conn's.
func handle(c net.Conn, br *bufio.Reader) {
	defer c.Close()
	req, err := br.ReadString('\n')
	if err != nil {
		return
	}
	io.WriteString(c, req)
	if cw, ok := c.(closeWriter); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, br)
}

// handleNoDrain replies and closes: the request's tail may still be
// unread.
func handleNoDrain(c net.Conn, br *bufio.Reader) {
	if _, err := br.ReadString('\n'); err != nil {
		c.Close()
		return
	}
	io.WriteString(c, "ERR\r\n")
	c.Close() // want `conn is closed after a write \(line 62\) without CloseWrite and a drain`
}

// accept hands each conn and a reader over it to the handlers.
func accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go handle(c, bufio.NewReader(c))
		r := bufio.NewReader(c)
		handleNoDrain(c, r)
	}
}

// relay is passed a conn and a reader over another conn by one of its
// callers: its parameters are two conns, and its drain of r says nothing
// about c.
func relay(c net.Conn, r io.Reader) {
	io.WriteString(c, "hello\r\n")
	if cw, ok := c.(closeWriter); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, r)
	c.Close() // want `conn is closed after a write \(line 83\) after CloseWrite but without a drain`
}

// relays calls relay once with one conn and once with two.
func relays(a, b net.Conn) {
	relay(a, a)
	relay(a, bufio.NewReader(b))
}
