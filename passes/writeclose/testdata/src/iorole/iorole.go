// Package iorole: a parameter of an io interface type is judged like a
// conn when every call in the package passes a stream conn to it.
package iorole

import (
	"bytes"
	"io"
	"net"
)

// copyClose copies src into dst and closes dst. Every call passes TCP
// conns, so dst is judged like one: closing it when the copy ends, with
// the other direction still running, can reset it.
func copyClose(dst io.WriteCloser, src io.Reader, done chan<- struct{}) {
	io.Copy(dst, src)
	dst.Close() // want `conn is closed after a write \(line 15\) without CloseWrite and a drain`
	done <- struct{}{}
}

// Proxy starts the two copies and waits for both.
func Proxy(a, b *net.TCPConn) {
	done := make(chan struct{}, 2)
	go copyClose(a, b, done)
	go copyClose(b, a, done)
	<-done
	<-done
}

// CopyCloseAny is exported: other packages may pass anything to it.
func CopyCloseAny(dst io.WriteCloser, src io.Reader) {
	io.Copy(dst, src)
	dst.Close()
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// closeOther's one caller passes an in-memory writer.
func closeOther(dst io.WriteCloser) {
	dst.Write([]byte("x"))
	dst.Close()
}

func useOther() { closeOther(nopCloser{&bytes.Buffer{}}) }

// closeMixed is called with a conn and with an in-memory writer.
func closeMixed(dst io.WriteCloser) {
	dst.Write([]byte("x"))
	dst.Close()
}

func useMixed(c net.Conn) {
	closeMixed(c)
	closeMixed(nopCloser{&bytes.Buffer{}})
}

// closeValue is used as a value: code the model cannot see may call it.
func closeValue(dst io.WriteCloser) {
	dst.Write([]byte("x"))
	dst.Close()
}

var hook = closeValue

func useValue(c net.Conn) { closeValue(c) }
