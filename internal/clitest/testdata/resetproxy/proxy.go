// Package resetproxy is the shape of a fault-injection proxy (such as
// toxiproxy's "reset_peer" toxic): in its ResetPeer mode it aborts the
// connection on purpose, and its tests check that the client sees
// ECONNRESET. lingerzero reports the SetLinger(0); its fix must keep it.
package resetproxy

import (
	"io"
	"net"
	"time"
)

// A Fault is what Serve does to the connection.
type Fault int

const (
	None      Fault = iota // answer "ok\n" and close gracefully
	ResetPeer              // reset the connection
)

// Serve accepts one connection on ln, reads its 4-byte request, and
// answers it, or resets it.
func Serve(ln net.Listener, fault Fault) error {
	c, err := ln.Accept()
	if err != nil {
		return err
	}
	tc := c.(*net.TCPConn)
	req := make([]byte, 4)
	if _, err := io.ReadFull(tc, req); err != nil {
		tc.Close()
		return err
	}
	if fault == ResetPeer {
		if err := tc.SetLinger(0); err != nil {
			tc.Close()
			return err
		}
		return tc.Close()
	}
	if _, err := tc.Write([]byte("ok\n")); err != nil {
		tc.Close()
		return err
	}
	if err := tc.CloseWrite(); err != nil {
		tc.Close()
		return err
	}
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, tc)
	return tc.Close()
}
