// Package j: class J. A proxy that joins its copies with a counted loop
// of receives, and returns (closing both conns) when a copy reports an
// error, was reported because the loop was not known to receive twice on
// its exit and the error path was taken for a missing join (go-socks5
// request.go:191, handleConnect).
package j

import (
	"io"
	"net"
)

func proxy(dst io.Writer, src io.Reader, errCh chan error) {
	_, err := io.Copy(dst, src)
	if tcpConn, ok := dst.(interface{ CloseWrite() error }); ok {
		tcpConn.CloseWrite()
	}
	errCh <- err
}

func handleConnect(conn net.Conn, addr string) error {
	target, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer target.Close() // FP writeclose: both copies are joined on the clean path; the error path aborts on purpose
	errCh := make(chan error, 2)
	go proxy(target, conn, errCh)
	go proxy(conn, target, errCh)
	for i := 0; i < 2; i++ {
		e := <-errCh
		if e != nil {
			return e
		}
	}
	return nil
}

// handleConnectOnce waits for one copy only: the other may still be
// copying into target.
func handleConnectOnce(conn net.Conn, addr string) error {
	target, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer target.Close() // OK writeclose
	errCh := make(chan error, 2)
	go proxy(target, conn, errCh)
	go proxy(conn, target, errCh)
	if e := <-errCh; e != nil {
		return e
	}
	return nil
}
