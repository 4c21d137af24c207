// Package notthisconn: a variable that holds the conn on some paths and
// another value on others. On the other paths what happens through the
// variable is not the conn's.
package notthisconn

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// h2Conn is a stream over an HTTP/2 exchange, with no socket of its own
// (goproxy's h2StreamConn).
type h2Conn struct {
	r io.Reader
	w io.Writer
}

func newH2Conn(r io.Reader, w io.Writer) *h2Conn { return &h2Conn{r, w} }

func (h *h2Conn) Read(b []byte) (int, error)       { return h.r.Read(b) }
func (h *h2Conn) Write(b []byte) (int, error)      { return h.w.Write(b) }
func (h *h2Conn) Close() error                     { return nil }
func (h *h2Conn) LocalAddr() net.Addr              { return nil }
func (h *h2Conn) RemoteAddr() net.Addr             { return nil }
func (h *h2Conn) SetDeadline(time.Time) error      { return nil }
func (h *h2Conn) SetReadDeadline(time.Time) error  { return nil }
func (h *h2Conn) SetWriteDeadline(time.Time) error { return nil }

// Tunnel is goproxy's CONNECT handler (https.go:332): the client side is a
// hijacked TCP conn, or over HTTP/2 an h2Conn, and a flag remembers which.
// The HTTP/2 branch closes the client from one copy while the other may
// still read it; that client is the h2Conn, not the socket, so nothing is
// reported. (The flag is false on every path that hijacked.)
func Tunnel(hj http.Hijacker, r io.Reader, w io.Writer, target net.Conn, useH2 bool) {
	var client net.Conn
	isH2 := false
	if !useH2 {
		c, _, err := hj.Hijack()
		if err != nil {
			return
		}
		client = c
	} else {
		isH2 = true
		client = newH2Conn(r, w)
	}
	if isH2 {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			io.Copy(target, client)
		}()
		go func() {
			defer wg.Done()
			io.Copy(client, target)
			client.Close()
		}()
		wg.Wait()
		return
	}
	client.Write([]byte("HTTP/1.1 200 OK\r\n\r\n"))
	client.Close() // want `conn is closed after a write \(line 65\) without CloseWrite and a drain`
}

// Either writes to whichever it holds: on the path where the variable
// holds the h2Conn, the Close is not the socket's.
func Either(hj http.Hijacker, r io.Reader, w io.Writer, useH2 bool) {
	var c net.Conn
	if useH2 {
		c = newH2Conn(r, w)
	} else {
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		c = conn
	}
	c.Write([]byte("hello"))
	c.Close() // want `conn is closed after a write \(line 82\) without CloseWrite and a drain`
}
