// Package i: class I. A helper stores its conn parameter in a struct whose
// goroutine reads it until it is closed, and on one path reassigns the
// parameter from that struct's field (`c = cc.tconn`, a test hook in
// golang.org/x/net/http2's Transport.newClientConn). The phi loses the
// escape, so the caller's Close is judged by its own last read (goproxy
// http2_test.go:480). Without the reassignment nothing is reported.
package i

import (
	"bufio"
	"net"
)

type clientConn struct {
	tconn net.Conn
	br    *bufio.Reader
}

var hook func(*clientConn) // a test hook that may replace cc.tconn

func newClientConn(c net.Conn) *clientConn {
	cc := &clientConn{tconn: c}
	if hook != nil {
		hook(cc)
		c = cc.tconn
	}
	cc.br = bufio.NewReader(c)
	go cc.readLoop()
	return cc
}

func (cc *clientConn) readLoop() {
	for {
		if _, err := cc.br.ReadByte(); err != nil {
			return
		}
	}
}

func serve(l net.Listener) {
	conn, err := l.Accept()
	if err != nil {
		return
	}
	defer conn.Close() // FP unreadclose: newClientConn's goroutine reads conn until it is closed
	bufio.NewReader(conn).ReadString('\n')
	newClientConn(conn)
}
