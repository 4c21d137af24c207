package proxies

import (
	"context"
	"io"
	"net"
)

// relay aborts when a copy fails or the context is done, and joins both
// copies on its clean path.
func relay(ctx context.Context, a, b net.Conn) error {
	defer a.Close()
	defer b.Close()
	errc := make(chan error, 2)
	go func() { _, err := io.Copy(a, b); errc <- err }()
	go func() { _, err := io.Copy(b, a); errc <- err }()
	for i := 0; i < 2; i++ {
		select {
		case err := <-errc:
			if err != nil {
				return err // a deliberate abort: not reported
			}
		case <-ctx.Done():
			return ctx.Err() // likewise
		}
	}
	return nil
}

// relayFirst returns when the first copy ends without error: the other
// may still be copying.
func relayFirst(ctx context.Context, a, b net.Conn) error {
	defer a.Close() // want `conn is closed while a goroutine started at line 36 may still be copying into it`
	defer b.Close() // want `conn is closed while a goroutine started at line 37 may still be copying into it`
	errc := make(chan error, 2)
	go func() { _, err := io.Copy(a, b); errc <- err }()
	go func() { _, err := io.Copy(b, a); errc <- err }()
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// untilCancel serves until the context is done, then tears down.
func untilCancel(ctx context.Context, a, b net.Conn) {
	go io.Copy(a, b)
	go io.Copy(b, a)
	<-ctx.Done()
	a.Close()
	b.Close()
}

// errIgnored receives a copy's error but checks nothing: a receive, not
// an abort.
func errIgnored(a, b net.Conn) {
	errc := make(chan error, 2)
	go func() { _, err := io.Copy(a, b); errc <- err }()
	go func() { _, err := io.Copy(b, a); errc <- err }()
	err := <-errc
	_ = err
	a.Close() // want `conn is closed while a goroutine started at line 62 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 63 may still be copying into it`
}

// serveUntilDone answers requests until its context is done: the return
// on ctx.Done() tears the conn down on purpose (a server told to shut
// down), even with no goroutine started here.
func serveUntilDone(ctx context.Context, c net.Conn) {
	defer c.Close()
	buf := make([]byte, 64)
	for {
		select {
		case <-ctx.Done():
			return // a deliberate abort: not reported
		default:
		}
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		c.Write(buf[:n])
	}
}

// answerOnce writes its reply and closes without a half-close or drain;
// that its context exists changes nothing on the path that does not
// receive from Done.
func answerOnce(ctx context.Context, c net.Conn) {
	_ = ctx
	c.Write([]byte("bye\n"))
	c.Close() // want `conn is closed after a write \(line 95\) without CloseWrite and a drain`
}
