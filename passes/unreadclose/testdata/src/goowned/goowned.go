// Package goowned: unreadclose (with -unreadclose.framed) on objects that
// the package hands to a goroutine. A read loop's conn is read concurrently: what the loop has
// taken is not known here, so a method's read is not judged. A goroutine
// that never touches the conn, or only closes it when its context is done
// (a deliberate abort), leaves it judged as usual.
package goowned

import (
	"context"
	"net"
)

// Feed's read loop reads the conn while Peek reads it too.
type Feed struct {
	conn net.Conn
	out  chan []byte
}

// NewFeed starts the read loop.
func NewFeed(c net.Conn) *Feed {
	f := &Feed{conn: c, out: make(chan []byte)}
	go f.loop()
	return f
}

// loop reads until the conn fails.
func (f *Feed) loop() {
	for {
		buf := make([]byte, 512)
		n, err := f.conn.Read(buf)
		if err != nil {
			close(f.out)
			return
		}
		f.out <- buf[:n]
	}
}

// Peek reads one byte and closes: silent, the loop may have read the rest.
func (f *Feed) Peek() byte {
	b := make([]byte, 1)
	f.conn.Read(b)
	f.conn.Close()
	return b[0]
}

// Probe's goroutine only waits for a context: the conn is judged.
type Probe struct {
	conn net.Conn
	done chan struct{}
}

// Watch starts the goroutine.
func (p *Probe) Watch(ctx context.Context) {
	go func() {
		<-ctx.Done()
		close(p.done)
	}()
}

// Greeting reads the first byte of the greeting and closes: the rest of
// it is unread.
func (p *Probe) Greeting() byte {
	b := make([]byte, 1)
	p.conn.Read(b)
	p.conn.Close() // want `conn is closed after a read \(line 65\) that stopped before EOF`
	return b[0]
}

// Dialer's goroutine closes the conn when its context is done, and does
// nothing else to it: the conn is judged.
type Dialer struct {
	conn net.Conn
}

// Watch starts the watcher.
func (d *Dialer) Watch(ctx context.Context) {
	go func() {
		<-ctx.Done()
		d.conn.Close()
	}()
}

// Banner reads the first byte of the banner and closes: the rest of it is
// unread.
func (d *Dialer) Banner() byte {
	b := make([]byte, 1)
	d.conn.Read(b)
	d.conn.Close() // want `conn is closed after a read \(line 88\) that stopped before EOF`
	return b[0]
}
