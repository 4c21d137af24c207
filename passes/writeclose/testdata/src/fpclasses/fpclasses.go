// Package fpclasses holds one regression case per false-positive class
// found by the evaluation on real modules (docs/evaluation.md). None of
// them may be reported, except where a want says so.
package fpclasses

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"memnet"
)

// Class A: a wrapper returned by a helper together with the conn.
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
	defer c.Close()
	io.WriteString(c, "a001 CAPABILITY\r\n")
	sc.Scan()
	return sc.Text()
}

// Class B: reads in a goroutine the function joins before Close.
func relay(c1, c2 net.Conn) {
	defer c2.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(c1, c2)
		close(done)
	}()
	io.Copy(c2, c1)
	<-done
}

func awaitReply(c net.Conn) {
	defer c.Close()
	c.Write([]byte("hello"))
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 1024)
		c.Read(buf)
		close(done)
	}()
	<-done
}

// Class C1: a named interface with CloseWrite that is not a socket
// (like ssh.Channel).
type Channel interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
	CloseWrite() error
}

func echo(ch Channel) {
	defer ch.Close()
	buf := make([]byte, 1024)
	n, err := ch.Read(buf)
	if err != nil {
		return
	}
	ch.Write(buf[:n])
}

// Class D: a helper that reassigns its wrapper variable still reads its conn.
func readMsg(conn net.Conn) (byte, error) {
	var r io.Reader = bufio.NewReader(conn)
	var t [1]byte
	if _, err := io.ReadFull(r, t[:]); err != nil {
		return 0, err
	}
	if t[0] == 1 {
		r = bytes.NewReader(nil)
	}
	_, err := io.ReadFull(r, t[:])
	return t[0], err
}

func ping(conn net.Conn) error {
	defer conn.Close()
	if _, err := conn.Write([]byte("ping")); err != nil {
		return err
	}
	_, err := readMsg(conn)
	return err
}

// Class E: a deferred Close after the conn was closed does nothing.
func abort(c net.Conn) {
	defer c.Close()
	io.WriteString(c, "BDAT 8\r\nHey <")
	c.Close() // want `conn is closed after a write`
}

// Class G: a write after reading to EOF.
func echoAll(c net.Conn) {
	req, err := io.ReadAll(c)
	if err != nil {
		c.Close()
		return
	}
	c.Write(req)
	c.Close()
}

// Class H: a goroutine that owns its conn is judged where its code is.
func forward(l net.Listener, dial func() (net.Conn, error)) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func(conn net.Conn) {
			defer conn.Close()
			dst, err := dial()
			if err != nil {
				return
			}
			defer dst.Close()
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				io.Copy(conn, dst)
				conn.(*net.TCPConn).CloseWrite()
				wg.Done()
			}()
			go func() {
				io.Copy(dst, conn)
				dst.(*net.TCPConn).CloseWrite()
				wg.Done()
			}()
			wg.Wait()
		}(conn)
	}
}

// The evaluation also found writeclose reporting a deliberate abort
// (fasthttp): SetLinger(0) makes the RST the point.
func reject(c *net.TCPConn) {
	c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\n\r\n"))
	//teardown:abort shed load: reset the client so no TIME_WAIT piles up
	c.SetLinger(0)
	c.Close()
}

// Class C2: in-memory streams taken for sockets. A conn made by a function
// that only returns in-memory streams (an end of net.Pipe, a value whose
// type holds no socket) has no TCP teardown.
func pipeServer() net.Conn {
	c, s := net.Pipe()
	go func() {
		io.Copy(io.Discard, s)
		s.Close()
	}()
	return c
}

// greet reads the server's greeting: then the conn is not one-way.
func greet(c net.Conn) {
	buf := make([]byte, 64)
	c.Read(buf)
}

func talkPipe() {
	c := pipeServer()
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close()
}

// A local in-memory listener whose Dial and Accept return a pipe-like
// struct as a net.Conn.
type memListener struct{ conns chan *memConn }

type memConn struct {
	in, out chan []byte
	buf     []byte
	peer    *memConn
}

var errClosed = errors.New("closed")

func memPair() (*memConn, *memConn) {
	a, b := make(chan []byte, 4), make(chan []byte, 4)
	c, s := &memConn{in: a, out: b}, &memConn{in: b, out: a}
	c.peer, s.peer = s, c
	return c, s
}

func (l *memListener) Dial() (net.Conn, error) {
	c, s := memPair()
	l.conns <- s
	return c, nil
}

func (l *memListener) Accept() (net.Conn, error) {
	c, ok := <-l.conns
	if !ok {
		return nil, errClosed
	}
	return c, nil
}

func (l *memListener) Close() error   { close(l.conns); return nil }
func (l *memListener) Addr() net.Addr { return memAddr{} }

func (m *memConn) Read(b []byte) (int, error) {
	if len(m.buf) == 0 {
		buf, ok := <-m.in
		if !ok {
			return 0, io.EOF
		}
		m.buf = buf
	}
	n := copy(b, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}

func (m *memConn) Write(b []byte) (int, error) {
	m.out <- append([]byte(nil), b...)
	return len(b), nil
}

func (m *memConn) Close() error                     { close(m.out); return nil }
func (m *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (m *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "mem" }

func talkMem(l *memListener) {
	c, err := l.Dial()
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close()
}

func serveMem(l *memListener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	c.Write([]byte("220 ready\r\n"))
}

// A stream over a multiplexed channel (like x/crypto/ssh's chanConn over
// an ssh.Channel, or a yamux stream): channels and an io.ReadWriteCloser
// are no socket.
type chanConn struct {
	io.ReadWriteCloser
	done         chan struct{}
	laddr, raddr net.Addr
}

func (c *chanConn) LocalAddr() net.Addr              { return c.laddr }
func (c *chanConn) RemoteAddr() net.Addr             { return c.raddr }
func (c *chanConn) SetDeadline(time.Time) error      { return nil }
func (c *chanConn) SetReadDeadline(time.Time) error  { return nil }
func (c *chanConn) SetWriteDeadline(time.Time) error { return nil }

func openStream(ch io.ReadWriteCloser) (net.Conn, error) {
	if ch == nil {
		return nil, errClosed
	}
	return &chanConn{ReadWriteCloser: ch, done: make(chan struct{})}, nil
}

func talkStream(ch io.ReadWriteCloser) {
	c, err := openStream(ch)
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close()
}

// An in-memory listener in another package: its fact says so.
func talkMemnet(l *memnet.Listener) {
	c, err := l.Dial()
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close()
}

// Class C2 controls: a socket behind the same shapes is still reported.
func dialServer(addr string) (net.Conn, error) {
	return net.Dial("tcp", addr)
}

func talkDialed(addr string) {
	c, err := dialServer(addr)
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close() // want `conn is closed after a write`
}

// A wrapper that embeds a net.Conn may hold a socket.
type countingConn struct {
	net.Conn
	n int
}

func dialCounting(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c}, nil
}

func talkCounting(addr string) {
	c, err := dialCounting(addr)
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close() // want `conn is closed after a write`
}

// A pipe on one path, a socket on the other.
func pipeOrDial(addr string) (net.Conn, error) {
	if addr == "" {
		return pipeServer(), nil
	}
	return net.Dial("tcp", addr)
}

func talkEither(addr string) {
	c, err := pipeOrDial(addr)
	if err != nil {
		return
	}
	greet(c)
	c.Write([]byte("QUIT\r\n"))
	c.Close() // want `conn is closed after a write`
}
