// Package proxy is a socktest fixture: two proxies.
package proxy

import (
	"io"
	"net"
	"sync"
)

// Early closes both conns as soon as one direction's copy ends. When the
// client half-closes, the server's later response has nowhere to go.
func Early(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(a, b); done <- struct{}{} }()
	go func() { io.Copy(b, a); done <- struct{}{} }()
	<-done
	a.Close()
	b.Close()
}

// Graceful half-closes each direction's destination when its copy ends,
// and closes both conns after both directions have ended: the half-close
// travels end to end.
func Graceful(a, b *net.TCPConn) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { io.Copy(a, b); a.CloseWrite(); wg.Done() }()
	go func() { io.Copy(b, a); b.CloseWrite(); wg.Done() }()
	wg.Wait()
	a.Close()
	return b.Close()
}
