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
	defer c.Close() // FP writeclose: c is always a *Stream
	c.Write([]byte("x"))
}
