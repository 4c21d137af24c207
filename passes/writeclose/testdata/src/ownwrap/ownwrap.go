// Package ownwrap: conns wrapped by the project's own types, built by a
// wrapper constructor here or in another package, are the conns they
// wrap.
package ownwrap

import (
	"fmt"
	"io"
	"net"
	"time"

	"ownwrap/label"
)

// serve refuses a stream with the wrong label: it writes the refusal
// through the wrapper and closes it with the rest of the stream unread.
func serve(c net.Conn) {
	w, lbl, err := label.Strip(c)
	if err != nil {
		c.Close()
		return
	}
	if lbl != 'a' {
		w.Write([]byte("bad label\n"))
		w.Close() // want `conn is closed after a write \(line 24\) without CloseWrite and a drain`
		return
	}
	go handle(w) // handed on: the path ends here
}

func handle(c net.Conn) {}

// kept: Keep hands the conn on, so its result is not a wrapper and the
// Close is not this function's to judge.
func kept(c net.Conn) {
	w, _ := label.Keep(c)
	w.Write([]byte("hello\n"))
	w.Close()
}

// counting is the package's own conn type over a conn.
type counting struct {
	net.Conn
	n int
}

func (c *counting) Write(b []byte) (int, error) {
	c.n += len(b)
	return c.Conn.Write(b)
}

// count wraps c.
func count(c net.Conn) net.Conn { return &counting{Conn: c} }

// greet writes through the wrapper and closes the conn itself.
func greet(c net.Conn) {
	w := count(c)
	fmt.Fprintf(w, "hello\n")
	c.Close() // want `conn is closed after a write \(line 58\) without CloseWrite and a drain`
}

// newCounting wraps c and returns the wrapper's own type.
func newCounting(c net.Conn) *counting { return &counting{Conn: c} }

// greetCounted writes through the wrapper's own Write method: its effect
// on the wrapper's conn field is the conn's.
func greetCounted(c net.Conn) {
	w := newCounting(c)
	w.Write([]byte("hello\n"))
	c.Close() // want `conn is closed after a write \(line 69\) without CloseWrite and a drain`
}

// greetGracefully half-closes and drains through the wrapper before the
// Close.
func greetGracefully(c *net.TCPConn) {
	w := count(c)
	fmt.Fprintf(w, "hello\n")
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, w)
	w.Close()
}

var last net.Conn

// remember hands the wrapper on: the conn goes with it.
func remember(c net.Conn) {
	w := count(c)
	fmt.Fprintf(w, "hello\n")
	last = w
	c.Close()
}

// pick returns one of two conns: no wrapper constructor, so its result
// is a conn of its own.
func pick(a, b net.Conn, first bool) net.Conn {
	if first {
		return a
	}
	return b
}

// picked writes to a and closes what pick returned: nothing says that is
// a, so the Close judges a conn with no write.
func picked(a, b net.Conn) {
	a.Write([]byte("x"))
	pick(a, b, true).Close()
}
