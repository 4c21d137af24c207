// Package handlerfield: a call through a func-valued field that the
// package always sets to one function is a call of that function.
package handlerfield

import (
	"io"
	"net"
	"time"
)

type server struct {
	handler func(net.Conn)
}

func newServer() *server {
	s := &server{}
	s.handler = s.refuse
	return s
}

// refuse writes a refusal and leaves the Close to its caller.
func (s *server) refuse(c net.Conn) {
	c.Write([]byte("busy\n"))
}

// serve closes each conn after its handler wrote to it.
func (s *server) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.handler(c)
		c.Close() // want `conn is closed after a write \(line 33\) without CloseWrite and a drain`
	}
}

type politeServer struct {
	handler func(*net.TCPConn)
}

func newPolite() *politeServer { return &politeServer{handler: answer} }

// answer writes, half-closes and drains.
func answer(c *net.TCPConn) {
	c.Write([]byte("ok\n"))
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
}

// serve closes after a handler that ended the exchange gracefully.
func (s *politeServer) serve(c *net.TCPConn) {
	s.handler(c)
	c.Close()
}

type mux struct {
	h func(net.Conn)
}

func newMux(fast bool) *mux {
	if fast {
		return &mux{h: fastPath}
	}
	return &mux{h: slowPath}
}

func fastPath(c net.Conn) { c.Write([]byte("x")) }

var pending []net.Conn

func slowPath(c net.Conn) { pending = append(pending, c) }

// serve calls whichever handler was set: two functions, so the call is
// unknown and the conn is handed on.
func (m *mux) serve(c net.Conn) {
	m.h(c)
	c.Close()
}

// Exported is set by other packages too: unknown.
type Exported struct {
	Handler func(net.Conn)
}

func (e *Exported) serve(c net.Conn) {
	e.Handler(c)
	c.Close()
}

func init() { _ = &Exported{Handler: fastPath} }
