// Package ownifaces: a call through the package's own closed interface
// does what one of its implementations in the package does.
package ownifaces

import (
	"net"
)

// authenticator is unexported: only this package implements it.
type authenticator interface {
	authenticate(c net.Conn) bool
}

type noAuth struct{}

func (noAuth) authenticate(c net.Conn) bool { return true }

type passwordAuth struct{ secret string }

// authenticate reads the 8-byte password.
func (p passwordAuth) authenticate(c net.Conn) bool {
	buf := make([]byte, 8)
	if _, err := c.Read(buf); err != nil {
		return false
	}
	return string(buf) == p.secret
}

func handle(c net.Conn) {}

// serve refuses a client that failed to authenticate: the refusal is
// written with the rest of its request unread.
func serve(a authenticator, c net.Conn) {
	if !a.authenticate(c) {
		c.Write([]byte("denied\n"))
		c.Close() // want `conn is closed after a write \(line 35\) without CloseWrite and a drain`
		return
	}
	go handle(c)
}

// Handler is exported, with exported methods: other packages implement
// it, so what Serve does is unknown.
type Handler interface {
	Serve(c net.Conn) error
}

func serveExternal(h Handler, c net.Conn) {
	if err := h.Serve(c); err != nil {
		c.Write([]byte("error\n"))
		c.Close()
	}
}

type keeper interface {
	keep(c net.Conn)
}

type registry struct{ conns []net.Conn }

func (r *registry) keep(c net.Conn) { r.conns = append(r.conns, c) }

// remember hands the conn to the only keeper, which stores it.
func remember(k keeper, c net.Conn) {
	c.Write([]byte("hello\n"))
	k.keep(c)
	c.Close()
}
