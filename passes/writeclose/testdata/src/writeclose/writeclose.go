package writeclose

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"netx"
)

// ---- reported ----

func seed(c net.Conn) {
	buf := make([]byte, 1_000_000)
	c.Write(buf)
	c.Close() // want `conn is closed after a write \(line 22\) without CloseWrite and a drain`
}

func deferred(c *net.TCPConn, msg []byte) error {
	defer c.Close() // want `conn is closed after a write`
	_, err := c.Write(msg)
	return err
}

func rejectPath(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close() // want `conn is closed after a write`
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil {
		return
	}
	io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
}

func buffered(c net.Conn) error {
	w := bufio.NewWriter(c)
	w.WriteString("hello\n")
	if err := w.Flush(); err != nil {
		return err
	}
	return c.Close() // want `conn is closed after a write`
}

func printf(c net.Conn, name string) {
	fmt.Fprintf(c, "hello %s\n", name)
	c.Close() // want `conn is closed after a write`
}

func encoder(c net.Conn, v any) {
	json.NewEncoder(c).Encode(v)
	c.Close() // want `conn is closed after a write`
}

func copyFile(c net.Conn, f *os.File) {
	io.Copy(c, f)
	c.Close() // want `conn is closed after a write`
}

func sendAll(c net.Conn, b []byte) error {
	_, err := c.Write(b)
	return err
}

func samePackageHelper(c net.Conn) {
	sendAll(c, []byte("hi"))
	c.Close() // want `conn is closed after a write`
}

func otherPackageHelper(c net.Conn) {
	netx.WriteAll(c, []byte("hi"))
	c.Close() // want `conn is closed after a write`
}

func halfCloseNoDrain(c *net.TCPConn) {
	c.Write([]byte("bye"))
	c.CloseWrite()
	c.Close() // want `after CloseWrite but without a drain`
}

func proxyCloseEarly(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(a, b); done <- struct{}{} }()
	go func() { io.Copy(b, a); done <- struct{}{} }()
	<-done
	a.Close() // want `conn is closed while a goroutine started at line 92 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 93 may still be copying into it`
}

func proxyHalfCloseButNoWait(a, b *net.TCPConn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(a, b); a.CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(b, a); b.CloseWrite(); done <- struct{}{} }()
	<-done
	a.Close() // want `may still be copying into it`
	b.Close() // want `may still be copying into it`
}

func tlsWrite(c *tls.Conn) error {
	c.Write([]byte("hello"))
	return c.Close() // want `conn is closed after a write`
}

func tlsDialed(addr string) error {
	c, err := tls.Dial("tcp", addr, nil)
	if err != nil {
		return err
	}
	buf := make([]byte, 64)
	c.Read(buf) // the server's greeting
	c.Write([]byte("hello"))
	return c.Close() // want `conn is closed after a write`
}

func hijacked(w http.ResponseWriter) {
	c, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
	rw.Flush()
	c.Close() // want `conn is closed after a write`
}

func deferredClosure(c net.Conn) {
	defer func() { // want `conn is closed by a closure after a write`
		c.Close()
	}()
	c.Write([]byte("x"))
}

func onlyOnePath(c net.Conn, fast bool) {
	c.Write([]byte("x"))
	if fast {
		c.Close() // want `conn is closed after a write`
		return
	}
	io.ReadAll(c)
	c.Close()
}

// ---- not reported ----

func graceful(c *net.TCPConn, msg []byte) error {
	if _, err := c.Write(msg); err != nil {
		c.Close()
		return err
	}
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	return c.Close()
}

func gracefulTLS(c *tls.Conn, msg []byte) error {
	defer c.Close()
	if _, err := c.Write(msg); err != nil {
		return err
	}
	c.CloseWrite()
	_, err := io.ReadAll(c)
	return err
}

func gracefulHelper(c net.Conn) {
	c.Write([]byte("x"))
	netx.CloseGracefully(c)
}

func readToEOF(c net.Conn) {
	c.Write([]byte("QUIT\r\n"))
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	c.Close()
}

func requestReply(c net.Conn) string {
	defer c.Close()
	fmt.Fprintf(c, "GET\r\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}

func returned(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c.Write([]byte("hello"))
	return c, nil
}

type server struct{ conn net.Conn }

func (s *server) stored(c net.Conn) {
	c.Write([]byte("hello"))
	s.conn = c
	c.Close()
}

func sent(c net.Conn, ch chan net.Conn) {
	c.Write([]byte("hello"))
	ch <- c
	c.Close()
}

func kept(c net.Conn) {
	c.Write([]byte("hello"))
	netx.Keep(c)
	c.Close()
}

func unknownInterface(c net.Conn, h interface{ Handle(net.Conn) }) {
	c.Write([]byte("hello"))
	h.Handle(c)
	c.Close()
}

func writeFailed(c net.Conn) error {
	if _, err := c.Write([]byte("x")); err != nil {
		c.Close()
		return err
	}
	return netx.CloseGracefully(c)
}

func proxyGraceful(a, b *net.TCPConn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { io.Copy(a, b); a.CloseWrite(); wg.Done() }()
	go func() { io.Copy(b, a); b.CloseWrite(); wg.Done() }()
	wg.Wait()
	a.Close()
	b.Close()
}

// A copy goroutine that closes its destination when its copy ends, while
// the other goroutine may still be reading it (goproxy's CONNECT tunnel,
// gliderlabs/ssh port forwarding).
func tunnel(client io.ReadWriteCloser, dest string) {
	target, err := net.Dial("tcp", dest)
	if err != nil {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // want `conn is closed inside this goroutine once its write into the conn ends`
		defer wg.Done()
		io.Copy(target, client)
		target.Close()
	}()
	go func() {
		defer wg.Done()
		io.Copy(client, target)
		client.Close()
	}()
	wg.Wait()
}

func serveConn(c net.Conn) { c.Write([]byte("hi")); c.Close() } // want `conn is closed after a write`

func refuseConn(c net.Conn) { io.ReadAll(c); c.Close() }

// Goroutines started in different branches never use the conn together.
func acceptLoop(ln net.Listener, slots chan struct{}) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		select {
		case slots <- struct{}{}:
			go func() {
				defer func() { <-slots }()
				serveConn(c)
			}()
		default:
			go refuseConn(c)
		}
	}
}

func proxyTwoReceives(a, b *net.TCPConn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(a, b); a.CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(b, a); b.CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
	a.Close()
	b.Close()
}

func generic[C net.Conn](c C) {
	c.Write([]byte("x"))
	c.Close()
}

func udp(addr string) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return
	}
	c.Write([]byte("ping"))
	c.Close()
}

func udpConn(c *net.UDPConn) {
	c.Write([]byte("ping"))
	c.Close()
}

func pipe() {
	a, b := net.Pipe()
	go io.Copy(io.Discard, b)
	a.Write([]byte("x"))
	a.Close()
}

func onlyCloses(c net.Conn) { c.Close() }

func dup(c *net.TCPConn) {
	c.Write([]byte("x"))
	f, _ := c.File()
	c.Close()
	f.Close()
}

// A conn this function dials and never reads is a one-way stream: no data
// comes back to turn Close into RST.
func oneWayUpload(addr string, data []byte) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c.Write(data)
	return c.Close()
}

func ignored(c net.Conn) {
	c.Write([]byte("x"))
	//teardown:ignore writeclose the peer's protocol sends nothing after our write
	c.Close()
}
