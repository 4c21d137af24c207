package proxies

import (
	"context"
	"io"
	"net"

	"golang.org/x/sync/errgroup"

	"netx"
)

// otherPackage starts netx.Pipe, whose Signals fact says it sends on done
// on every path: the two receives join both copies.
func otherPackage(a, b net.Conn) {
	done := make(chan error, 2)
	go netx.Pipe(a, b, done)
	go netx.Pipe(b, a, done)
	<-done
	<-done
	a.Close()
	b.Close()
}

// otherPackageOnce receives once.
func otherPackageOnce(a, b net.Conn) {
	done := make(chan error, 2)
	go netx.Pipe(a, b, done)
	go netx.Pipe(b, a, done)
	<-done
	a.Close() // want `conn is closed while a goroutine started at line 28 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 29 may still be copying into it`
}

// group joins the copies with errgroup; an error from Wait aborts.
func group(ctx context.Context, a, b net.Conn) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { _, err := io.Copy(a, b); return err })
	g.Go(func() error { _, err := io.Copy(b, a); return err })
	if err := g.Wait(); err != nil {
		a.Close()
		b.Close()
		return err
	}
	a.Close()
	b.Close()
	return nil
}

// groupNoWait closes without waiting for the group.
func groupNoWait(ctx context.Context, a, b net.Conn) {
	g, _ := errgroup.WithContext(ctx)
	g.Go(func() error { _, err := io.Copy(a, b); return err })
	g.Go(func() error { _, err := io.Copy(b, a); return err })
	a.Close() // want `conn is closed while a goroutine started at line 53 may still be copying into it`
	b.Close() // want `conn is closed while a goroutine started at line 54 may still be copying into it`
}
