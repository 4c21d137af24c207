package proxies

import (
	"io"
	"net"
	"time"
)

// peeked is the package's own conn wrapper: bytes read ahead of the conn
// it holds (inetaf/tcpproxy's Conn).
type peeked struct {
	buf []byte
	net.Conn
}

func (p *peeked) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// underlying is tcpproxy's UnderlyingConn: the conn a wrapper holds, or
// c itself. A wrapper and its conn are one connection, so unwrapping
// hands nothing on.
func underlying(c net.Conn) net.Conn {
	if w, ok := c.(*peeked); ok {
		return w.Conn
	}
	return c
}

func halfClose(c net.Conn) {
	if cw, ok := underlying(c).(closeWriter); ok {
		cw.CloseWrite()
	}
}

// unwrapCopy is tcpproxy's proxyCopy: it copies between the unwrapped
// conns and half-closes its destination through underlying.
func unwrapCopy(errc chan<- error, dst, src net.Conn) {
	defer halfClose(dst)
	if p, ok := src.(*peeked); ok && len(p.buf) > 0 {
		if _, err := dst.Write(p.buf); err != nil {
			errc <- err
			return
		}
		p.buf = nil
	}
	src = underlying(src)
	dst = underlying(dst)
	_, err := io.Copy(dst, src)
	errc <- err
}

// unwrapJoined waits for both copies: nothing to report.
func unwrapJoined(src net.Conn, addr string) {
	dst, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer dst.Close()
	defer src.Close()
	errc := make(chan error, 2)
	go unwrapCopy(errc, src, dst)
	go unwrapCopy(errc, dst, src)
	<-errc
	<-errc
}

// unwrapNoWait is unwrapJoined without its receives (the truth
// instrument's join mutant of tcpproxy's HandleConn): the deferred Closes
// cut both copies off. Before unwrapping was seen through, the copies'
// conns escaped into underlying, and nothing was reported.
func unwrapNoWait(src net.Conn, addr string) {
	dst, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer dst.Close() // want `conn is closed while a goroutine started at line 86 may still be copying into it`
	defer src.Close() // want `conn is closed while a goroutine started at line 85 may still be copying into it`
	errc := make(chan error, 2)
	go unwrapCopy(errc, src, dst)
	go unwrapCopy(errc, dst, src)
}

// concreteAssert drains only where c is a *peeked: a failed assertion to
// a concrete type says c is another reader, not that it cannot be read,
// so the other path has written without a drain.
func concreteAssert(c net.Conn) {
	c.Write([]byte("bye\n"))
	if p, ok := c.(*peeked); ok {
		p.SetReadDeadline(time.Now().Add(time.Second))
		io.Copy(io.Discard, p)
	}
	c.Close() // want `conn is closed after a write \(line 93\) without CloseWrite and a drain`
}

// readerAssert: a failed assertion to a reader interface means c cannot
// be read at all, so no drain is possible there: nothing to report.
func readerAssert(c io.WriteCloser) {
	c.Write([]byte("bye\n"))
	if r, ok := c.(io.Reader); ok {
		io.Copy(io.Discard, r)
	}
	c.Close()
}
