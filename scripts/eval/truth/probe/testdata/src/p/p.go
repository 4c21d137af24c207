package p

import (
	"bufio"
	"io"
	"io/ioutil"
	"net"
	"net/mail"
	"time"
)

// graceful half-closes, drains and closes: a closewrite-drain site, and
// a Close the model judges.
func graceful(c *net.TCPConn) {
	c.Write([]byte("bye"))
	c.CloseWrite() // want `"k":"site".*"shape":"parameter".*"op":"closewrite-drain","rule":"writeclose"`
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	c.Close() // want `"k":"close".*"shape":"parameter","type":"\*net.TCPConn","reason":"judged"` `"k":"site".*"op":"insert-linger","rule":"lingerzero","target":[0-9]+,"targets":\[[0-9]+\],"edits":\[\{"off":[0-9]+,"end":[0-9]+,"new":"c.SetLinger\(0\); "`
}

// peek reads a line and drains before closing: a drain site for
// unreadclose, and a SetLinger(0) insertion (it wrote and read).
func peek(addr string) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	conn.Write([]byte("hello\n"))
	bufio.NewReader(conn).ReadString('\n')
	buf := make([]byte, 512)
	for { // want `"k":"site".*"shape":"local variable".*"op":"drain","rule":"unreadclose".*"new":"_ = buf`
		if _, err := conn.Read(buf); err != nil {
			break
		}
	}
	conn.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger","rule":"lingerzero"`
}

// A client keeps its conn and buffered writer in fields.
type client struct {
	conn net.Conn
	bw   *bufio.Writer
}

// Close flushes the writer beside the conn: a flush site on a struct field.
func (c *client) Close() error {
	c.bw.Flush()          // want `"k":"site".*"shape":"struct field".*"op":"flush","rule":"unflushedclose"`
	return c.conn.Close() // want `"k":"close".*"shape":"struct field".*"reason":"judged"`
}

// abort resets on purpose and says why: a linger-comment site.
func abort(c *net.TCPConn) {
	// The health check must not leave TIME_WAIT sockets behind, so abort.
	c.SetLinger(0) // want `"k":"linger","off":[0-9]+,"tracked":true` `"k":"site".*"op":"linger-comment","rule":"lingerzero"`
	c.Close()      // want `"k":"close".*"reason":"judged"`
}

// rwc closes an io interface that holds a conn by its callers: every
// call passes a conn, so the model judges it as one.
func rwc(x io.ReadWriteCloser) {
	x.Close() // want `"k":"close".*"shape":"io interface type".*"reason":"judged"`
}

func useRWC(c net.Conn) { rwc(c) }

// RWC is exported: other packages may pass it anything.
func RWC(x io.ReadWriteCloser) {
	x.Close() // want `"k":"close".*"shape":"io interface type".*"reason":"not a conn type"`
}

func useExportedRWC(c net.Conn) { RWC(c) }

// shared is a conn kept in a global: someone else's.
var shared net.Conn

func closeShared() {
	shared.Close() // want `"k":"close".*"reason":"loaded from the heap"`
}

// file closes no socket: no record.
func file(x io.Closer) { x.Close() }

// wrapped is the package's own wrapper.
type wrapped struct{ net.Conn }

func closeWrapped(w *wrapped) {
	w.Close() // want `"k":"close".*"shape":"project's wrapper type".*"reason":"judged"`
}

// fetch reads the whole reply with a helper-free io.ReadAll, the only
// use of its import: the mutant keeps the import blank.
func fetch(addr string) ([]byte, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
	conn.Write([]byte("GET\n"))
	return ioutil.ReadAll(conn) // want `"k":"site".*"op":"drain","rule":"writeclose".*"edits":\[\{"off":[0-9]+,"end":[0-9]+,"new":"_ "\},\{"off":[0-9]+,"end":[0-9]+,"new":"\(\[\]byte\)\(nil\), \(error\)\(nil\)"\}\],"func":"p\.fetch"\}`
}

// A framer is the package's own buffered writer.
type framer struct{ w io.Writer }

func (f *framer) Write(p []byte) (int, error) { return f.w.Write(p) }
func (f *framer) Flush() error                { return nil }

type session struct {
	conn net.Conn
	out  *framer
}

// end flushes the project's writer kept beside the conn.
func (s *session) end() {
	s.out.Flush()  // want `"k":"site".*"shape":"struct field".*"op":"flush"`
	s.conn.Close() // want `"k":"close".*"reason":"judged"`
}

// datagramView asserts a conn to a UDP socket: the Close of a datagram
// socket is no stream teardown, and not in the population.
func datagramView(c net.Conn) {
	if u, ok := c.(*net.UDPConn); ok {
		u.Close()
	}
}

// receive is an upload's receiver: it reads the whole stream and writes
// nothing back. Without the drain, its Close resets a peer that loses
// nothing of ours: the site is excluded.
func receive(l net.Listener) ([]byte, error) {
	conn, err := l.Accept()
	if err != nil {
		return nil, err
	}
	defer conn.Close()      // want `"k":"close".*"reason":"judged"`
	return io.ReadAll(conn) // want `"k":"site".*"op":"drain","rule":"writeclose".*"excluded":"nothing is written to the conn before its Close`
}

// finish is a helper that writes, half-closes and drains: a drain site
// where it is called before a Close.
func finish(c net.Conn) {
	c.Write([]byte("bye"))
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, c)
}

// echoMessages reads with another package's Read function
// (mail.ReadMessage), writes, and on a read error finishes before the
// deferred Close: the last op before the removed drain is that read, so
// the mutant expects unreadclose.
func echoMessages(c net.Conn) {
	defer c.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
	for {
		m, err := mail.ReadMessage(c)
		if err != nil {
			finish(c) // want `"k":"site".*"op":"drain","rule":"unreadclose"`
			return
		}
		io.Copy(c, m.Body)
	}
}

// leave finishes and returns on a failed hello: the Close found after it
// in the source is not on that path, so the site is excluded (its mutant
// leaks the conn).
func leave(c net.Conn) error {
	if _, err := c.Write([]byte("hello")); err != nil {
		finish(c) // want `"k":"site".*"op":"drain".*"excluded":"the function returns right after the removed code`
		return err
	}
	return c.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
}

// finishInClosure finishes inside a closure that then returns: the
// closure's return does not end this function's path, so the Close
// after the call is on it and the site is not excluded.
func finishInClosure(c net.Conn) {
	c.Write([]byte("x"))
	func() {
		finish(c) // want `"k":"site".*"op":"drain".*"edits":\[[^\]]*\],"func":"p\.finishInClosure"`
		return
	}()
	c.Close() // want `"k":"close".*"reason":"judged"` `"k":"site".*"op":"insert-linger"`
}
