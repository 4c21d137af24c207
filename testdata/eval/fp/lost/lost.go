// Package lost: true positives of the first evaluation that teardown no
// longer reports (false negatives; docs/evaluation.md, "Recall lost since
// the first triage"). Each "// OK <rule>" line should be reported; fp.sh
// prints "MISSING" for each one that is not, and exits 1.
package lost

import (
	"io"
	"net"
	"sync"
)

// gomemcache memcache_test.go:49-50: the reply to a request is never read.
// Not reported since af8fd8b: a conn opened here and never read counts as
// a one-way stream, but memcached answers flush_all with "OK".
func flush(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	io.WriteString(c, "flush_all\r\n")
	c.Close() // OK writeclose: the "OK\r\n" reply may be unread, and Close resets
}

// gliderlabs/ssh tcpip.go:56-65: each copy goroutine fully closes the
// dialed conn while its sibling may still be reading the destination's
// reply. Not reported from 7b560c7 (a Close inside a goroutine is judged
// where its code is) to 5d4c017, which reports it again.
func forward(src io.ReadWriteCloser, dest string) {
	dconn, err := net.Dial("tcp", dest)
	if err != nil {
		return
	}
	go func() {
		defer src.Close()
		defer dconn.Close()
		io.Copy(src, dconn)
	}()
	go func() { // OK writeclose: closed while the other goroutine may still be copying from dconn
		defer src.Close()
		defer dconn.Close()
		io.Copy(dconn, src)
	}()
}

// goproxy https.go:321-331: the same, with a join in the parent. Reported
// again since 5d4c017, like forward.
func tunnel(client io.ReadWriteCloser, dest string) {
	target, err := net.Dial("tcp", dest)
	if err != nil {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // OK writeclose: target is closed while goroutine 2 may still be reading it
		defer wg.Done()
		io.Copy(target, client)
		target.Close()
	}()
	go func() {
		defer wg.Done()
		io.Copy(client, target)
		client.Close()
	}()
	wg.Wait()
}

// gliderlabs/ssh tcpip.go:149-167 (remote forwarding): the same copy
// goroutines, started by a goroutine that the accepting function starts.
// Never reported since 7b560c7: in the starting goroutine the conn is a
// captured variable, which that closure does not own, and the accepting
// function sees the closure only through its summary, which does not
// keep the nested go statements apart.
type opener interface {
	Open() (io.ReadWriteCloser, error)
}

func remoteForward(ln net.Listener, o opener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	go func() {
		ch, err := o.Open()
		if err != nil {
			c.Close()
			return
		}
		go func() {
			defer ch.Close()
			defer c.Close()
			io.Copy(ch, c)
		}()
		go func() { // OK writeclose: c is closed while the other goroutine may still be copying from it
			defer ch.Close()
			defer c.Close()
			io.Copy(c, ch)
		}()
	}()
}
