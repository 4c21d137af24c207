// Package inmem makes conns that are not sockets. A function whose every
// non-nil conn result is an in-memory stream gets an InMemory fact: its
// conns have no TCP teardown.
package inmem

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// ---- in-memory producers ----

// Pipe returns one end of net.Pipe and serves the other.
func Pipe() net.Conn { // want Pipe:`inmemory\(0\)`
	c, s := net.Pipe()
	go io.Copy(s, s)
	return c
}

// Pair returns both ends.
func Pair() (net.Conn, net.Conn) { // want Pair:`inmemory\(0 1\)`
	return net.Pipe()
}

// PipeOrErr returns nil on its error path: nil says nothing.
func PipeOrErr(ok bool) (net.Conn, error) { // want PipeOrErr:`inmemory\(0\)`
	if !ok {
		return nil, errors.New("no")
	}
	c, _ := net.Pipe()
	return c, nil
}

// Captured returns a pipe end that a closure also reads.
func Captured(cleanup func(func())) net.Conn { // want Captured:`inmemory\(0\)`
	c, s := net.Pipe()
	cleanup(func() {
		c.Close()
		s.Close()
	})
	return c
}

// Retry is recursive: a producer all the same.
func Retry(n int) (net.Conn, error) { // want Retry:`inmemory\(0\)`
	if n == 0 {
		c, _ := net.Pipe()
		return c, nil
	}
	return Retry(n - 1)
}

// A Listener is an in-memory listener: its conns are pairs of channels.
type Listener struct {
	mu     sync.Mutex
	closed bool
	conns  chan *pipeConn
}

func NewListener() *Listener { return &Listener{conns: make(chan *pipeConn, 8)} }

// Dial returns a pipe-like struct, which holds no socket, as a net.Conn.
func (l *Listener) Dial() (net.Conn, error) { // want Dial:`inmemory\(0\)`
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errors.New("closed")
	}
	c, s := newPair()
	l.conns <- s
	return c, nil
}

// DialAll calls Dial: a producer through another one.
func (l *Listener) DialAll(n int) ([]net.Conn, net.Conn, error) { // want DialAll:`inmemory\(1\)`
	var last net.Conn
	for i := 0; i < n; i++ {
		c, err := l.Dial()
		if err != nil {
			return nil, nil, err
		}
		last = c
	}
	return nil, last, nil
}

// Accept receives the server end.
func (l *Listener) Accept() (net.Conn, error) { // want Accept:`inmemory\(0\)`
	s, ok := <-l.conns
	if !ok {
		return nil, errors.New("closed")
	}
	return s, nil
}

func (l *Listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.conns)
	}
	return nil
}

func (l *Listener) Addr() net.Addr { return addr{} }

type pipeConn struct {
	in, out  chan []byte
	buf      []byte
	peer     *pipeConn
	deadline *time.Timer
	addr     net.Addr
}

func newPair() (*pipeConn, *pipeConn) {
	a, b := make(chan []byte, 4), make(chan []byte, 4)
	c, s := &pipeConn{in: a, out: b}, &pipeConn{in: b, out: a}
	c.peer, s.peer = s, c
	return c, s
}

func (p *pipeConn) Read(b []byte) (int, error) {
	if len(p.buf) == 0 {
		buf, ok := <-p.in
		if !ok {
			return 0, io.EOF
		}
		p.buf = buf
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

func (p *pipeConn) Write(b []byte) (int, error) {
	p.out <- append([]byte(nil), b...)
	return len(b), nil
}

func (p *pipeConn) Close() error                     { close(p.out); return nil }
func (p *pipeConn) LocalAddr() net.Addr              { return addr{} }
func (p *pipeConn) RemoteAddr() net.Addr             { return addr{} }
func (p *pipeConn) SetDeadline(time.Time) error      { return nil }
func (p *pipeConn) SetReadDeadline(time.Time) error  { return nil }
func (p *pipeConn) SetWriteDeadline(time.Time) error { return nil }

type addr struct{}

func (addr) Network() string { return "mem" }
func (addr) String() string  { return "mem" }

// A Stream is a conn over a multiplexed channel (like x/crypto/ssh's
// chanConn over an ssh.Channel): an io.ReadWriteCloser is no socket.
type Stream struct {
	io.ReadWriteCloser
	done         chan struct{}
	laddr, raddr net.Addr
}

func (s *Stream) LocalAddr() net.Addr              { return s.laddr }
func (s *Stream) RemoteAddr() net.Addr             { return s.raddr }
func (s *Stream) SetDeadline(time.Time) error      { return nil }
func (s *Stream) SetReadDeadline(time.Time) error  { return nil }
func (s *Stream) SetWriteDeadline(time.Time) error { return nil }

// Open returns a Stream as a net.Conn; it keeps ch.
func Open(ch io.ReadWriteCloser) net.Conn { // want Open:`inmemory\(0\)`
	return &Stream{ReadWriteCloser: ch, done: make(chan struct{})}
}

// ---- conns over what is not a stream socket ----

// fileConn holds an *os.File, as a conn over a TUN device does: a file is
// no stream socket.
type fileConn struct{ *os.File }

func (fileConn) LocalAddr() net.Addr  { return addr{} }
func (fileConn) RemoteAddr() net.Addr { return addr{} }

func FileConn(f *os.File) net.Conn { return fileConn{f} } // want FileConn:`inmemory\(0\)`

// udpConn is a pseudo-conn to one peer over a PacketConn.
type udpConn struct {
	pc    net.PacketConn
	raddr net.Addr
}

func (u *udpConn) Read(b []byte) (int, error)       { n, _, err := u.pc.ReadFrom(b); return n, err }
func (u *udpConn) Write(b []byte) (int, error)      { return u.pc.WriteTo(b, u.raddr) }
func (u *udpConn) Close() error                     { return nil }
func (u *udpConn) LocalAddr() net.Addr              { return u.pc.LocalAddr() }
func (u *udpConn) RemoteAddr() net.Addr             { return u.raddr }
func (u *udpConn) SetDeadline(time.Time) error      { return nil }
func (u *udpConn) SetReadDeadline(time.Time) error  { return nil }
func (u *udpConn) SetWriteDeadline(time.Time) error { return nil }

// DialUDP returns a pseudo-conn over a datagram socket.
func DialUDP(pc net.PacketConn, raddr net.Addr) net.Conn { // want DialUDP:`inmemory\(0\)`
	return &udpConn{pc: pc, raddr: raddr}
}

// ---- in-memory conns loaded from a collection ----

// A Hub keeps the pipe ends it made, by name, in a map.
type Hub struct {
	mu   sync.Mutex
	ends map[string]net.Conn
}

// Dial returns a new pipe end, or one it keeps.
func (h *Hub) Dial(name string) (net.Conn, error) { // want Dial:`inmemory\(0\)`
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.ends[name]; ok {
		return c, nil
	}
	a, b := net.Pipe()
	h.ends[name] = b
	return a, nil
}

// An acceptConn is what a MemListener's Dial hands its Accept, as
// fasthttputil's InmemoryListener does.
type acceptConn struct {
	conn     net.Conn
	accepted chan struct{}
}

// A MemListener passes server ends through a channel of structs.
type MemListener struct {
	conns chan acceptConn
	done  chan struct{}
}

// Dial sends the server end and returns the client end.
func (l *MemListener) Dial() (net.Conn, error) { // want Dial:`inmemory\(0\)`
	c, s := net.Pipe()
	accepted := make(chan struct{})
	select {
	case l.conns <- acceptConn{conn: s, accepted: accepted}:
	case <-l.done:
		return nil, errors.New("closed")
	}
	<-accepted
	return c, nil
}

// Accept receives a server end.
func (l *MemListener) Accept() (net.Conn, error) { // want Accept:`inmemory\(0\)`
	select {
	case c := <-l.conns:
		close(c.accepted)
		return c.conn, nil
	case <-l.done:
		return nil, errors.New("closed")
	}
}

// ---- not in-memory producers ----

// A Cache keeps pipe ends and dialed conns in one map.
type Cache struct{ conns map[string]net.Conn }

func (c *Cache) Get(name string) net.Conn {
	if conn, ok := c.conns[name]; ok {
		return conn
	}
	conn, _ := net.Dial("tcp", name)
	c.conns[name] = conn
	return conn
}

func (c *Cache) Pipe(name string) net.Conn { // want Pipe:`inmemory\(0\)`
	a, b := net.Pipe()
	c.conns[name] = b
	return a
}

// An Exported keeps its pipe ends in an exported field: another package
// may store anything there.
type Exported struct{ Ends map[string]net.Conn }

func (e *Exported) Get(name string) net.Conn {
	if c, ok := e.Ends[name]; ok {
		return c
	}
	a, b := net.Pipe()
	e.Ends[name] = b
	return a
}

// Dial dials a socket.
func Dial(addr string) (net.Conn, error) {
	return net.Dial("tcp", addr)
}

// PipeOrDial returns a pipe on one path and a socket on the other.
func PipeOrDial(addr string) (net.Conn, error) {
	if addr == "" {
		c, _ := net.Pipe()
		return c, nil
	}
	return net.Dial("tcp", addr)
}

// Same returns its parameter: whatever it is, the caller's value is
// that conn (a wrapper constructor's facts).
func Same(c net.Conn) net.Conn { return c } // want Same:`effects\(0:W\)` Same:`wraps\(0<-0\)`

var shared net.Conn

// Shared returns a global.
func Shared() net.Conn { return shared }

// Nil only ever returns nil.
func Nil() net.Conn { return nil }

// Counting embeds a net.Conn: it may hold a socket, even over a pipe.
type Counting struct {
	net.Conn
	n int
}

func WrapPipe() net.Conn {
	c, _ := net.Pipe()
	return &Counting{Conn: c}
}

// pool holds conns in a slice.
type pool struct {
	addr
	io.ReadWriteCloser
	conns []*net.TCPConn
}

func (pool) LocalAddr() net.Addr              { return addr{} }
func (pool) RemoteAddr() net.Addr             { return addr{} }
func (pool) SetDeadline(time.Time) error      { return nil }
func (pool) SetReadDeadline(time.Time) error  { return nil }
func (pool) SetWriteDeadline(time.Time) error { return nil }

func Pool() net.Conn { return &pool{} }

// ViaInterface calls through an interface: the callee is unknown.
func ViaInterface(l net.Listener) (net.Conn, error) {
	return l.Accept()
}

// Maybe calls a function value.
func Maybe(f func() net.Conn) net.Conn { return f() }

// Swap stores two local variables into each other: following the one
// value stored into each must end (it once recursed until the stack
// overflowed).
func Swap(keep func(...*net.Conn)) net.Conn {
	var a, b net.Conn
	keep(&a, &b)
	a = b
	b = a
	return a
}
