// Package fpclasses holds one regression case per unreadclose
// false-positive class found by the evaluation (docs/evaluation.md). None
// of them may be reported, except where a want says so.
package fpclasses

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"time"
)

// Class C1: a named interface with CloseWrite that is not a socket.
type Channel interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
	CloseWrite() error
}

func peek(ch Channel) {
	defer ch.Close()
	buf := make([]byte, 1)
	ch.Read(buf)
}

// Class F: a Read that must have returned io.EOF to go on.
func expectEOF(c net.Conn) {
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != io.EOF {
		panic(err)
	}
	c.Close()
}

// Class P (exchange loop): a lock-step request-response loop (x/net
// nettest's ping-pong). The read site takes the peer's replies on every
// round but the first; a break after it leaves nothing unread.
func pingPong(c net.Conn) {
	buf := make([]byte, 8)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			break
		}
		if buf[0] == 0xff {
			break
		}
		if _, err := c.Write(buf); err != nil {
			break
		}
	}
	c.Close()
}

// Class C2: in-memory streams taken for sockets. A conn made by a function
// that only returns in-memory streams (an end of net.Pipe, a value whose
// type holds no socket) has no TCP teardown.
func pipeServer() (net.Conn, error) {
	c, s := net.Pipe()
	go func() {
		s.Write([]byte("220 ready\r\nmore"))
		s.Close()
	}()
	return c, nil
}

func peekPipe() {
	c, err := pipeServer()
	if err != nil {
		return
	}
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close()
}

// A local in-memory listener whose Dial and Accept return a pipe-like
// struct as a net.Conn.
type memListener struct{ conns chan *memConn }

type memConn struct {
	in, out chan []byte
	buf     []byte
}

var errClosed = errors.New("closed")

func (l *memListener) Dial() (net.Conn, error) {
	a, b := make(chan []byte, 4), make(chan []byte, 4)
	l.conns <- &memConn{in: b, out: a}
	return &memConn{in: a, out: b}, nil
}

func (l *memListener) Accept() (net.Conn, error) {
	c, ok := <-l.conns
	if !ok {
		return nil, errClosed
	}
	return c, nil
}

func (m *memConn) Read(b []byte) (int, error) {
	if len(m.buf) == 0 {
		buf, ok := <-m.in
		if !ok {
			return 0, io.EOF
		}
		m.buf = buf
	}
	n := copy(b, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}

func (m *memConn) Write(b []byte) (int, error) {
	m.out <- append([]byte(nil), b...)
	return len(b), nil
}

func (m *memConn) Close() error                     { close(m.out); return nil }
func (m *memConn) LocalAddr() net.Addr              { return nil }
func (m *memConn) RemoteAddr() net.Addr             { return nil }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

func peekMem(l *memListener) {
	c, err := l.Dial()
	if err != nil {
		return
	}
	defer c.Close()
	buf := make([]byte, 5)
	c.Read(buf)
}

func peekAccepted(l *memListener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close()
}

// A stream over a multiplexed channel (like x/crypto/ssh's chanConn over
// an ssh.Channel, or a yamux stream): channels and an io.ReadWriteCloser
// are no socket.
type chanConn struct {
	io.ReadWriteCloser
	done         chan struct{}
	laddr, raddr net.Addr
}

func (c *chanConn) LocalAddr() net.Addr              { return c.laddr }
func (c *chanConn) RemoteAddr() net.Addr             { return c.raddr }
func (c *chanConn) SetDeadline(time.Time) error      { return nil }
func (c *chanConn) SetReadDeadline(time.Time) error  { return nil }
func (c *chanConn) SetWriteDeadline(time.Time) error { return nil }

func openStream(ch io.ReadWriteCloser) net.Conn {
	return &chanConn{ReadWriteCloser: ch, done: make(chan struct{})}
}

func peekStream(ch io.ReadWriteCloser) {
	c := openStream(ch)
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close()
}

// Class C2 controls: a socket behind the same shapes is still reported.
func dialServer(addr string) (net.Conn, error) {
	return net.Dial("tcp", addr)
}

func peekDialed(addr string) {
	c, err := dialServer(addr)
	if err != nil {
		return
	}
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close() // want `conn is closed after a read`
}

// A wrapper that embeds a net.Conn may hold a socket.
type countingConn struct {
	net.Conn
	n int
}

func dialCounting(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c}, nil
}

func peekCounting(addr string) {
	c, err := dialCounting(addr)
	if err != nil {
		return
	}
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close() // want `conn is closed after a read`
}

// A pipe on one path, a socket on the other.
func pipeOrDial(addr string) (net.Conn, error) {
	if addr == "" {
		return pipeServer()
	}
	return net.Dial("tcp", addr)
}

func peekEither(addr string) {
	c, err := pipeOrDial(addr)
	if err != nil {
		return
	}
	buf := make([]byte, 5)
	c.Read(buf)
	c.Close() // want `conn is closed after a read`
}

// Class I: a helper that, on one path, replaces its conn parameter with a
// field it stored it in (x/net/http2's newClientConn after a test hook).
// The phi merges the parameter with a field load, so the helper's
// summary of the parameter is "handed on", not "untouched": its
// goroutine reads the conn until it is closed.
type clientConn struct {
	tconn net.Conn
	br    *bufio.Reader
}

var clientHook func(*clientConn)

func newClientConn(c net.Conn) *clientConn {
	cc := &clientConn{tconn: c}
	if clientHook != nil {
		clientHook(cc)
		c = cc.tconn
	}
	cc.br = bufio.NewReader(c)
	go cc.readLoop()
	return cc
}

func (cc *clientConn) readLoop() {
	for {
		if _, err := cc.br.ReadByte(); err != nil {
			return
		}
	}
}

func servePreface(l net.Listener) {
	conn, err := l.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	bufio.NewReader(conn).ReadString('\n')
	newClientConn(conn)
}

// Class E (helper error paths): a helper that returns an error before it
// writes (memberlist's rawSendMsgStream when encryption fails) has a path
// without a write; that path returns a non-nil error, so the caller's
// `err == nil` branch never follows it. memberlist net.go:1382 (a TCP
// ping: write, read the one-message reply, close).
func rawSend(c net.Conn, b []byte, encrypt bool) error {
	if encrypt && len(b) == 0 {
		return errors.New("nothing to encrypt")
	}
	if _, err := c.Write(b); err != nil {
		return err
	}
	return nil
}

func tcpPing(addr string, encrypt bool) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := rawSend(c, []byte("ping"), encrypt); err != nil {
		return err
	}
	buf := make([]byte, 4)
	_, err = c.Read(buf)
	return err
}

// Class E with named results and a defer: the helper's error result is a
// named result captured by a deferred closure that only reads it; its
// early return is still known to return a non-nil error.
func sendNamed(c net.Conn, b []byte) (err error) {
	defer func() {
		if err != nil {
			println("send:", err.Error())
		}
	}()
	if len(b) == 0 {
		err = errors.New("empty request")
		return
	}
	if _, err = c.Write(b); err != nil {
		return
	}
	return nil
}

func askNamed(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := sendNamed(c, []byte("ask")); err != nil {
		return err
	}
	buf := make([]byte, 16)
	_, err = c.Read(buf)
	return err
}

// The control: a helper path that wrote nothing and returned nil is a real
// path on which the read is no reply (see annotate).
func maybeSend(c net.Conn, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	_, err := c.Write(b)
	return annotate(err)
}

func readUnasked(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	if err := maybeSend(c, nil); err != nil {
		return
	}
	buf := make([]byte, 16)
	c.Read(buf)
	c.Close() // want `conn is closed after a read \(line 354\) that stopped before EOF`
}

// Class E (a writer's empty-input shortcut): a packet writer whose only
// path without a write is the shortcut of an empty buffer (paho's
// ConnectPacket.Write, through bytes.Buffer.WriteTo) wrote the request on
// every path its caller can tell apart. paho.mqtt.golang client.go:425:
// the CONNACK read is the reply to CONNECT.
type connectPacket struct{ body []byte }

func (p *connectPacket) Write(w io.Writer) error {
	var buf bytes.Buffer
	buf.Write(p.body)
	_, err := buf.WriteTo(w)
	return err
}

func connectMQTT(conn io.ReadWriter, p *connectPacket) (byte, error) {
	if err := p.Write(conn); err != nil {
		return 0, err
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(conn, b); err != nil {
		return 0, err
	}
	return b[3], nil
}

var serveMQTT func(net.Conn)

func connectBroker(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	if rc, _ := connectMQTT(c, &connectPacket{body: []byte("CONNECT")}); rc == 0 {
		go serveMQTT(c)
		return
	}
	c.Close()
}

// annotate passes err on through a call the model does not follow, so that
// maybeSend's write path returns what the caller cannot tell from nil. Had
// maybeSend returned the write's error itself, both its paths would return
// nil as far as the caller knows, and the one that writes nothing would be
// taken for a writer's shortcut for empty input (absorbEmpty), as
// bytes.Buffer.WriteTo's is.
func annotate(err error) error {
	if err != nil {
		return errors.Join(errors.New("send"), err)
	}
	return nil
}
