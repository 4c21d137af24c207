package facts

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"inmem"
)

func WriteAll(w io.Writer, b []byte) error { // want WriteAll:`effects\(0:\+wx\|-w\)`
	_, err := w.Write(b)
	return err
}

// WriteChecked's paths carry what it returns: a non-nil error after a
// failed write ('+'), nil after a write that succeeded ('-').
func WriteChecked(c net.Conn, b []byte) error { // want WriteChecked:`effects\(0:\+wx\|-w\)`
	if _, err := c.Write(b); err != nil {
		return err
	}
	return nil
}

func Graceful(c net.Conn) error { // want Graceful:`effects\(0:\+hx\|hec\)`
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	return c.Close()
}

func DeferClose(c net.Conn) { // want DeferClose:`effects\(0:wc\)`
	defer c.Close()
	c.Write(nil)
}

func ClosureClose(c net.Conn) { // want ClosureClose:`effects\(0:wc\)`
	defer func() { c.Close() }()
	c.Write(nil)
}

func Drain(r io.Reader) { // want Drain:`effects\(0:re\)`
	buf := make([]byte, 512)
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
	}
}

func ReadLine(r *bufio.Reader) (string, error) { // want ReadLine:`effects\(0:\+re\|-r\)`
	return r.ReadString('\n')
}

func Scan(c net.Conn) { // want Scan:`effects\(0:re\)`
	sc := bufio.NewScanner(c)
	for sc.Scan() {
	}
}

func EOFCheck(c net.Conn) { // want EOFCheck:`effects\(0:r\|re\)`
	buf := make([]byte, 8)
	_, err := c.Read(buf)
	if errors.Is(err, io.EOF) {
		return
	}
}

var conns []net.Conn

// A function that only hands the conn on exports no fact: a caller takes
// an argument without a summary as handed on.
func Store(c net.Conn) { conns = append(conns, c) }

// Return gives its conn back: a wrapper constructor in the simplest
// form, whose caller goes on with the conn.
func Return(c net.Conn) net.Conn { return c } // want Return:`effects\(0:W\)` Return:`wraps\(0<-0\)`

func StoreSecond(a, c net.Conn) { a.Close(); conns = append(conns, c) } // want StoreSecond:`effects\(0:c\)`

func Unused(c net.Conn) {} // want Unused:`effects\(0:\)`

func Buffered(c net.Conn) { // want Buffered:`effects\(0:b\)`
	w := bufio.NewWriter(c)
	w.WriteString("x")
}

func Linger(c *net.TCPConn) { c.SetLinger(0) } // want Linger:`effects\(0:l\)`

func Generic[C io.Writer](c C) { c.Write(nil) }

func NoConn(x int) int { return x + 1 }

// In-memory producers through another package's InMemory facts.

func MemPipe() net.Conn { return inmem.Pipe() } // want MemPipe:`inmemory\(0\)`

func MemDial(l *inmem.Listener) (net.Conn, error) { // want MemDial:`inmemory\(0\)`
	c, err := l.Dial()
	if err != nil {
		return nil, err
	}
	return c, nil
}

func MemSecond() net.Conn { // want MemSecond:`inmemory\(0\)`
	_, s := inmem.Pair()
	return s
}

func MemOrDial(mem bool) (net.Conn, error) {
	if mem {
		return inmem.Pipe(), nil
	}
	return inmem.PipeOrDial("localhost:1")
}

func MemNone() net.Conn { return inmem.Nil() }

// A parameter merged (by a phi) with a field load or with another
// parameter is handed on: what happens to the merged value may not happen
// to it. Neither function exports a fact for it.
type holder struct{ c net.Conn }

var swap func(*holder)

func MergedWithField(c net.Conn, h *holder) {
	if swap != nil {
		swap(h)
		c = h.c
	}
	c.Close()
}

// A parameter stored into an object the function allocates is loaded
// back as itself (localobjects.go); the object handed to unknown code
// takes it along: closed on one path, handed on on the other.
func MergedWithOwnObject(c net.Conn) { // want MergedWithOwnObject:`effects\(0:c\|o\)`
	h := &holder{c: c}
	if swap != nil {
		swap(h)
		c = h.c
	}
	c.Close()
}

func EitherClose(a, b net.Conn, first bool) {
	c := a
	if !first {
		c = b
	}
	c.Close()
}

// Copy copies and sends its error on done on every path: a Signals fact.
func Copy(dst, src net.Conn, done chan<- error) { // want Copy:`effects\(0:w 1:e\)` Copy:`signals\(2:s\)`
	_, err := io.Copy(dst, src)
	done <- err
}

// Relay marks its WaitGroup done when it returns, and closes quit first
// on one path only: only the WaitGroup is signalled on every path.
func Relay(dst, src net.Conn, wg *sync.WaitGroup, quit chan struct{}) { // want Relay:`effects\(0:w\|wx 1:e\)` Relay:`signals\(2:d\)`
	defer wg.Done()
	if _, err := io.Copy(dst, src); err != nil {
		close(quit)
	}
}

// WaitThenClose waits for the group, then closes done: a waiter.
func WaitThenClose(c net.Conn, wg *sync.WaitGroup, done chan struct{}) { // want WaitThenClose:`effects\(0:\)` WaitThenClose:`signals\(2:c waits \[1\]\)`
	wg.Wait()
	close(done)
}

// LingerFor hands its parameter to SetLinger: a LingerParams fact.
func LingerFor(c *net.TCPConn, secs int) { c.SetLinger(secs) } // want LingerFor:`effects\(0:l\)` LingerFor:`lingerparams\(1\)`

// Peeked is the package's own conn wrapper: bytes read ahead of the
// conn it holds.
type Peeked struct {
	Buf []byte
	net.Conn
}

func (p *Peeked) Read(b []byte) (int, error) {
	if len(p.Buf) > 0 {
		n := copy(b, p.Buf)
		p.Buf = p.Buf[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// Underlying gives back the conn a Peeked holds, or c itself (inetaf
// tcpproxy's UnderlyingConn): a wrapper and its conn are one connection,
// so the result is the argument's conn, as for a wrapper constructor.
func Underlying(c net.Conn) net.Conn { // want Underlying:`effects\(0:W\)` Underlying:`wraps\(0<-0\)`
	if w, ok := c.(*Peeked); ok {
		return w.Conn
	}
	return c
}

// UnwrapPeeked takes the wrapper itself.
func UnwrapPeeked(p *Peeked) net.Conn { // want UnwrapPeeked:`wraps\(0<-0\)`
	return p.Conn
}

// A Session is no conn type: the conn it keeps is not "the session".
type Session struct {
	Name string
	Conn net.Conn
}

// ConnOf returns a field of a struct that is no conn: no wraps fact.
func ConnOf(s *Session) net.Conn {
	return s.Conn
}

// Other returns another conn than its argument on one path: no wraps fact.
func Other(c net.Conn, other *Peeked) net.Conn { // want Other:`effects\(0:\|o\)`
	if _, ok := c.(*Peeked); ok {
		return other.Conn
	}
	return c
}

// WriteShort returns its write's error, or io.ErrShortWrite, through one
// variable: the path on which err == nil was false returns a non-nil
// error ('+'); the others may return either.
func WriteShort(w io.Writer, b []byte) error { // want WriteShort:`effects\(0:\+wx\|w\)`
	n, err := w.Write(b)
	if n < len(b) && err == nil {
		err = io.ErrShortWrite
	}
	return err
}

// WriteHeaderBody stops at a failed header: no path writes the body after
// a failure.
func WriteHeaderBody(w io.Writer, hdr, body []byte) error { // want WriteHeaderBody:`effects\(0:\+wx\|-w\)`
	if err := WriteShort(w, hdr); err != nil {
		return err
	}
	return WriteShort(w, body)
}

// WriteLocked returns its helper's error through the result cell that its
// defer keeps: the outcome goes with it.
func WriteLocked(mu *sync.Mutex, w io.Writer, b []byte) error { // want WriteLocked:`effects\(1:\+wx\|w\)`
	mu.Lock()
	defer mu.Unlock()
	return WriteShort(w, b)
}

// WriteOrErr returns a phi of nil and a new error: each edge into it says
// which.
func WriteOrErr(c net.Conn, b []byte) error { // want WriteOrErr:`effects\(0:\+wx\|-w\)`
	var err error
	if _, werr := c.Write(b); werr != nil {
		err = errors.New("write failed")
	}
	return err
}
