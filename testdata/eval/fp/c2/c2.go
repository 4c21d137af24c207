// Package c2: class C2. A net.Conn returned by a function whose result is
// provably an in-memory stream (yamux Session.Open/Accept returning
// *Stream, fasthttputil InmemoryListener.Dial/Accept and
// PipeConns.Conn1/Conn2, ssh.Client.Dial returning *chanConn) is taken for a
// TCP connection.
package c2

import (
	"net"
	"time"
)

// Stream implements net.Conn in memory; its Close tears down no socket.
type Stream struct{}

func (*Stream) Read(p []byte) (int, error)       { return 0, nil }
func (*Stream) Write(p []byte) (int, error)      { return len(p), nil }
func (*Stream) Close() error                     { return nil }
func (*Stream) LocalAddr() net.Addr              { return nil }
func (*Stream) RemoteAddr() net.Addr             { return nil }
func (*Stream) SetDeadline(time.Time) error      { return nil }
func (*Stream) SetReadDeadline(time.Time) error  { return nil }
func (*Stream) SetWriteDeadline(time.Time) error { return nil }

type Session struct{}

// Open returns a *Stream as a net.Conn, as yamux's Session.Open does.
func (*Session) Open() (net.Conn, error) { return &Stream{}, nil }

func use(s *Session) {
	c, err := s.Open()
	if err != nil {
		return
	}
	defer c.Close() // FP writeclose: c is always a *Stream (not reported since af8fd8b: a one-way stream)
	c.Write([]byte("x"))
}

// Listener hands out in-memory conns, as fasthttputil's InmemoryListener does.
type Listener struct{}

func (*Listener) Accept() (net.Conn, error) { return &Stream{}, nil }

// serve is the shape of the remaining C2 findings: a request/response
// exchange on a conn that is always a *Stream.
func serve(l *Listener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close() // FP writeclose: c is always a *Stream
	buf := make([]byte, 64)
	if _, err := c.Read(buf); err != nil {
		return
	}
	c.Write([]byte("reply"))
}

// peek: unreadclose on a yamux-like stream.
func peek(s *Session) {
	c, err := s.Open()
	if err != nil {
		return
	}
	defer c.Close() // FP unreadclose: c is always a *Stream
	buf := make([]byte, 1)
	c.Read(buf)
}

// pipe returns one end of net.Pipe, as fasthttp's streamCompatServeConn does.
func pipe() net.Conn {
	client, server := net.Pipe()
	go server.Close()
	return client
}

func usePipe() {
	c := pipe()
	defer c.Close() // FP unreadclose: c is one end of net.Pipe, made in a helper
	buf := make([]byte, 1)
	c.Read(buf)
}
