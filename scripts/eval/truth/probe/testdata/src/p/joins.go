package p

import (
	"context"
	"io"
	"net"
	"sync"
	"time"
)

// proxyJoined copies both ways and waits for both copies, one receive
// each: the join site removes both (the first, whose value is used,
// becomes a zero value).
func proxyJoined(a, b net.Conn) error {
	done := make(chan error, 2)
	go func() { _, err := io.Copy(a, b); done <- err }()
	go func() { _, err := io.Copy(b, a); done <- err }()
	err := <-done // want `"k":"site".*"shape":"goroutine or proxy copy".*"op":"join","rule":"writeclose".*"edits":\[\{"off":[0-9]+,"end":[0-9]+,"new":"\(error\)\(nil\)"\},\{"off":[0-9]+,"end":[0-9]+,"new":"\{\}"\}\]`
	<-done
	a.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
	b.Close() // want `"k":"close".*"reason":"judged"`
	return err
}

// proxyWaitGroup waits with a WaitGroup; its Closes are deferred.
func proxyWaitGroup(a, b net.Conn) {
	defer a.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
	defer b.Close() // want `"k":"close".*"reason":"judged"`
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b) }()
	go func() { defer wg.Done(); io.Copy(b, a) }()
	wg.Wait() // want `"k":"site".*"op":"join","rule":"writeclose"`
}

// copyTo is a named copy function started with the channel.
func copyTo(dst, src net.Conn, done chan<- bool) {
	io.Copy(dst, src)
	done <- true
}

// proxyNamed starts a named function; a counted loop receives.
func proxyNamed(a, b net.Conn) {
	done := make(chan bool)
	go copyTo(a, b, done)
	go copyTo(b, a, done)
	for i := 0; i < 2; i++ {
		<-done // want `"k":"site".*"op":"join","rule":"writeclose"`
	}
	a.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
	b.Close() // want `"k":"close".*"reason":"judged"`
}

// proxySelect waits in a select that also watches the context: an
// abort, no join site.
func proxySelect(ctx context.Context, a, b net.Conn) {
	done := make(chan struct{})
	go func() { io.Copy(a, b); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	a.Close() // want `"k":"close".*"reason":"judged"`
	b.Close() // want `"k":"close".*"reason":"judged"`
}

// timerOnly waits for a timer no goroutine signals: no join site.
func timerOnly(a, b net.Conn) {
	go io.Copy(a, b)
	<-time.After(time.Second)
	a.Close() // want `"k":"close".*"reason":"judged"`
}
