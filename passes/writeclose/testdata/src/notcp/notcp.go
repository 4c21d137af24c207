// Package notcp holds conns that have no TCP teardown although their
// type is net.Conn: conn types of the package over a TUN device's file or
// a datagram socket, and in-memory conns a producer loads from a
// collection it keeps.
package notcp

import (
	"errors"
	"net"
	"os"
	"time"
)

// tunConn is a conn over a TUN device: a file, not a stream socket.
type tunConn struct {
	f     *os.File
	laddr net.Addr
}

func (t *tunConn) Read(b []byte) (int, error)       { return t.f.Read(b) }
func (t *tunConn) Write(b []byte) (int, error)      { return t.f.Write(b) }
func (t *tunConn) Close() error                     { return t.f.Close() }
func (t *tunConn) LocalAddr() net.Addr              { return t.laddr }
func (t *tunConn) RemoteAddr() net.Addr             { return t.laddr }
func (t *tunConn) SetDeadline(time.Time) error      { return nil }
func (t *tunConn) SetReadDeadline(time.Time) error  { return nil }
func (t *tunConn) SetWriteDeadline(time.Time) error { return nil }

func openTun(name string) (net.Conn, error) {
	f, err := os.OpenFile("/dev/net/tun", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &tunConn{f: f}, nil
}

func sendPacket(pkt []byte) {
	c, err := openTun("tun0")
	if err != nil {
		return
	}
	buf := make([]byte, 1500)
	c.Read(buf)
	c.Write(pkt)
	c.Close()
}

// udpConn is a pseudo-conn to one peer over a datagram socket.
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

func dialUDP(pc net.PacketConn, raddr net.Addr) net.Conn { return &udpConn{pc: pc, raddr: raddr} }

func ping(pc net.PacketConn, raddr net.Addr) {
	c := dialUDP(pc, raddr)
	buf := make([]byte, 64)
	c.Read(buf)
	c.Write([]byte("ping"))
	c.Close()
}

// An acceptConn is what memListener's Dial hands its Accept, as
// fasthttputil's InmemoryListener (inmemory_listener.go:51) does.
type acceptConn struct {
	conn     net.Conn
	accepted chan struct{}
}

type memListener struct {
	conns chan acceptConn
	done  chan struct{}
}

func (l *memListener) Dial() (net.Conn, error) {
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

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		close(c.accepted)
		return c.conn, nil
	case <-l.done:
		return nil, errors.New("closed")
	}
}

// serveMem is fasthttputil's request_test.go:2118: a server on the
// in-memory listener.
func serveMem(l *memListener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	buf := make([]byte, 64)
	c.Read(buf)
	c.Write([]byte("HTTP/1.1 200 OK\r\n\r\n"))
}

// A hub keeps the pipe ends it made in a map.
type hub struct{ ends map[string]net.Conn }

func (h *hub) dial(name string) net.Conn {
	if c, ok := h.ends[name]; ok {
		return c
	}
	a, b := net.Pipe()
	h.ends[name] = b
	return a
}

func talk(h *hub) {
	c := h.dial("x")
	buf := make([]byte, 64)
	c.Read(buf)
	c.Write([]byte("reply"))
	c.Close()
}

// A cache keeps pipe ends and dialed sockets in one map.
type cache struct{ conns map[string]net.Conn }

func (k *cache) get(name string) net.Conn {
	if c, ok := k.conns[name]; ok {
		return c
	}
	c, _ := net.Dial("tcp", name)
	k.conns[name] = c
	return c
}

func (k *cache) pipe(name string) net.Conn {
	a, b := net.Pipe()
	k.conns[name] = b
	return a
}

func talkCached(k *cache) {
	c := k.get("x")
	buf := make([]byte, 64)
	c.Read(buf)
	c.Write([]byte("reply"))
	c.Close() // want `conn is closed after a write \(line 162\) without CloseWrite and a drain`
}
