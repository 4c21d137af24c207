// Package ownership: handing a conn on is an event on the path where it
// happens. A Close on another path is judged with that path's history;
// what happens after the hand-on is not judged.
package ownership

import (
	"errors"
	"net"
)

// serve is a handler the analysis cannot see into.
var serve func(net.Conn)

// RejectOrServe writes an error reply and closes when it is full, and
// hands the conn to a handler otherwise: the reject path is judged.
func RejectOrServe(ln net.Listener, full bool) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	if full {
		c.Write([]byte("503 busy\r\n"))
		c.Close() // want `conn is closed after a write \(line 22\) without CloseWrite and a drain`
		return
	}
	go serve(c)
}

// ServeAll hands every conn on: nothing is judged.
func ServeAll(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serve(c)
	}
}

var registry = map[net.Conn]bool{}

// StoredThenClosed stores the conn where others may use it, then writes
// and closes it: after the hand-on the function no longer owns it.
func StoredThenClosed(c net.Conn) {
	registry[c] = true
	c.Write([]byte("bye"))
	c.Close()
}

// DialHello returns the conn it made; a deferred closure closes it only
// when the greeting failed. On the path that returns the conn, the caller
// owns it before the defer runs, so the closure's Close is not judged
// there.
func DialHello(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()
	if _, err := c.Write([]byte("hello")); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// HandOnOrRefuse refuses with a reply on one path and returns the conn to
// its caller on the other.
func HandOnOrRefuse(c net.Conn, allowed bool) (net.Conn, error) {
	if !allowed {
		c.Write([]byte("refused\n"))
		c.Close() // want `conn is closed after a write \(line 76\) without CloseWrite and a drain`
		return nil, errors.New("refused")
	}
	return c, nil
}
