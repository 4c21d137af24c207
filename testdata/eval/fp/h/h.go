// Package h: class H. A conn handed to a goroutine that owns it is judged
// in the parent at the go statement. The goroutine's own order (copy both
// ways, CloseWrite, join, Close) is lost, and the parent reports "closed
// while a goroutine may still be copying into it" (gliderlabs/ssh
// agent.go:60, goproxy https.go:346). Inside the goroutine nothing is
// reported, correctly.
package h

import (
	"io"
	"net"
	"sync"
)

func forward(l net.Listener, dial func() (net.Conn, error)) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func(conn net.Conn) { // FP writeclose
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

func handle(conn net.Conn, dst net.Conn) {
	go func() { // FP writeclose
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
		conn.Close()
		dst.Close()
	}()
}
