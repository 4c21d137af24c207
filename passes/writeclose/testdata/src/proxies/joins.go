// Package proxies holds the joins and aborts of proxies: how a function
// waits for the goroutines that copy between its conns, and the paths on
// which it stops waiting on purpose. Functions named after real code
// reproduce it.
package proxies

import (
	"context"
	"io"
	"net"
	"sync"
)

type closeWriter interface{ CloseWrite() error }

// proxy is go-socks5's copy (request.go:358): it copies, half-closes its
// destination if it can, and sends the copy's error on every path.
func proxy(dst io.Writer, src io.Reader, errCh chan error) {
	_, err := io.Copy(dst, src)
	if tcpConn, ok := dst.(closeWriter); ok {
		tcpConn.CloseWrite()
	}
	errCh <- err
}

// handleConnect is go-socks5's handleConnect (request.go:191): the two
// copies are joined by a counted loop of receives, and a copy's error
// aborts both (a deliberate abort: not reported).
func handleConnect(conn net.Conn, addr string) error {
	target, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer target.Close()
	errCh := make(chan error, 2)
	go proxy(target, conn, errCh)
	go proxy(conn, target, errCh)
	for i := 0; i < 2; i++ {
		e := <-errCh
		if e != nil {
			// return from this function closes target (and conn).
			return e
		}
	}
	return nil
}

// handleConnectOnce leaves the loop after the first receive: the other
// copy may still be writing into target.
func handleConnectOnce(conn net.Conn, addr string) error {
	target, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer target.Close() // want `conn is closed while a goroutine started at line 57 may still be copying into it`
	errCh := make(chan error, 2)
	go proxy(target, conn, errCh)
	go proxy(conn, target, errCh)
	for i := 0; i < 1; i++ {
		if e := <-errCh; e != nil {
			return e
		}
	}
	return nil
}

// rangeJoin joins with `for range 2`.
func rangeJoin(a, b net.Conn) {
	errc := make(chan error, 2)
	go proxy(a, b, errc)
	go proxy(b, a, errc)
	for range 2 {
		<-errc
	}
	a.Close()
	b.Close()
}

// proxyCopy is inetaf/tcpproxy's copy (tcpproxy.go:452): its error is
// sent on every path, and the deferred half-closes run after the send.
func proxyCopy(errc chan<- error, dst, src net.Conn) {
	defer closeWrite(dst)
	if _, err := dst.Write([]byte("PROXY\r\n")); err != nil {
		errc <- err
		return
	}
	_, err := io.Copy(dst, src)
	errc <- err
}

func closeWrite(c net.Conn) {
	if c, ok := c.(closeWriter); ok {
		c.CloseWrite()
	}
}

// handleConn is tcpproxy's DialProxy.HandleConn (tcpproxy.go:381): one
// receive statement per copy.
func handleConn(src net.Conn, addr string) {
	dst, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer dst.Close()
	defer src.Close()
	errc := make(chan error, 2)
	go proxyCopy(errc, src, dst)
	go proxyCopy(errc, dst, src)
	<-errc
	<-errc
}

// copyNoHalfClose joins both copies, which do not half-close: once both
// have finished, each source has reached EOF, so the Close loses nothing.
func copyNoHalfClose(a, b net.Conn) {
	done := make(chan struct{})
	go func() { io.Copy(a, b); done <- struct{}{} }()
	go func() { io.Copy(b, a); done <- struct{}{} }()
	<-done
	<-done
	a.Close()
	b.Close()
}

// oneSignals: only one of the copies says when it has finished, and
// only that one is waited for.
func oneSignals(a, b net.Conn) {
	done := make(chan struct{}, 1)
	go func() { io.Copy(a, b); done <- struct{}{} }()
	go func() { io.Copy(b, a) }()
	<-done
	a.Close() // want `conn is closed while a goroutine started at line 129 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 130 may still be copying into it`
}

// waiterCloses joins the copies through a WaitGroup waited by a small
// goroutine that then closes a channel: the function receives from it,
// or aborts when the context is done.
func waiterCloses(ctx context.Context, a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b) }()
	go func() { defer wg.Done(); io.Copy(b, a) }()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	a.Close()
	b.Close()
}

// waiterOnce closes the channel through a sync.Once.
func waiterOnce(a, b net.Conn) {
	var wg sync.WaitGroup
	var once sync.Once
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b) }()
	go func() { defer wg.Done(); io.Copy(b, a) }()
	done := make(chan struct{})
	go func() {
		defer once.Do(func() { close(done) })
		wg.Wait()
	}()
	<-done
	a.Close()
	b.Close()
}

// waiterEarly closes the channel before it waits: the receive says
// nothing about the copies.
func waiterEarly(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b) }()
	go func() { defer wg.Done(); io.Copy(b, a) }()
	done := make(chan struct{})
	go func() {
		close(done)
		wg.Wait()
	}()
	<-done
	<-done
	<-done
	a.Close() // want `conn is closed while a goroutine started at line 179 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 180 may still be copying into it`
}

type pipe struct{ bufSize int }

// copy is a method that signals through its channel parameter.
func (p *pipe) copy(dst, src net.Conn, done chan<- bool) {
	buf := make([]byte, p.bufSize)
	io.CopyBuffer(dst, src, buf)
	done <- true
}

// run starts the copies as method calls.
func (p *pipe) run(a, b net.Conn) {
	done := make(chan bool, 2)
	go p.copy(a, b, done)
	go p.copy(b, a, done)
	<-done
	<-done
	a.Close()
	b.Close()
}

// startedInLoop: goroutines started in a loop cannot be counted by
// their sends.
func startedInLoop(a net.Conn, srcs []net.Conn) {
	done := make(chan struct{})
	for _, s := range srcs {
		go func() { io.Copy(a, s); done <- struct{}{} }()
	}
	<-done
	a.Close() // want `conn is closed while a goroutine started at line 218 may still be copying into it`
}

// readInLoop is fasthttp's tcplisten_test.go:111: each iteration starts a
// reader and waits for it on a channel made in that iteration.
func readInLoop(addrs []string) {
	for _, addr := range addrs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Write([]byte("request"))
		c.(*net.TCPConn).CloseWrite()
		ch := make(chan error)
		go func() {
			_, err := io.ReadAll(c)
			ch <- err
			close(ch)
		}()
		if err := <-ch; err != nil {
			return
		}
		c.Close()
	}
}

// handleConnNoWait is handleConn without its receives: the deferred
// Closes run while both copies still run.
func handleConnNoWait(src net.Conn, addr string) {
	dst, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer dst.Close() // want `conn is closed while a goroutine started at line 258 may still be copying into it`
	defer src.Close() // want `conn is closed while a goroutine started at line 257 may still be copying into it`
	errc := make(chan error, 2)
	go proxyCopy(errc, src, dst)
	go proxyCopy(errc, dst, src)
}
