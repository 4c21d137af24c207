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
