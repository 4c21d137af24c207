// Package goowned: objects of the package that a go statement hands to a
// goroutine. Their conns are judged in the methods that write and close
// them when every such goroutine only reads them (a read loop, which may
// close the conn when its reads end), only closes them (a watcher's
// abort) or never touches them; they stay silent when a goroutine may
// write, half-close or hand them on, and in the function that starts a
// reader.
package goowned

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Sub keeps a conn that its read loop only reads.
type Sub struct {
	conn net.Conn
	msgs chan string
}

// Subscribe starts the read loop. The function that starts a reader is
// not judged: it cannot see whether it waits for it.
func Subscribe(addr string) (*Sub, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Sub{conn: c, msgs: make(chan string)}
	if _, err := c.Write([]byte("SUB news\r\n")); err != nil {
		c.Close()
		return nil, err
	}
	go s.readLoop()
	return s, nil
}

// readLoop reads the conn until it fails.
func (s *Sub) readLoop() {
	r := bufio.NewReader(s.conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			close(s.msgs)
			return
		}
		s.msgs <- line
	}
}

// Unsubscribe writes while readLoop may still be reading: what the server
// sends after the Close (its reply, a last message) resets the conn, and
// the UNSUB may be lost with it.
func (s *Sub) Unsubscribe() error {
	if _, err := s.conn.Write([]byte("UNSUB news\r\n")); err != nil {
		s.conn.Close()
		return err
	}
	return s.conn.Close() // want `conn is closed after a write \(line 59\) without CloseWrite and a drain while another goroutine reads it`
}

// Stop only closes: nothing it wrote can be lost.
func (s *Sub) Stop() error { return s.conn.Close() }

// Closer's goroutine drains the conn and closes it once its copy ends: a
// read loop, so Quit is judged as with Sub's.
type Closer struct{ conn net.Conn }

// NewCloser starts the goroutine.
func NewCloser(c net.Conn) *Closer {
	k := &Closer{conn: c}
	go k.loop()
	return k
}

// loop drains the conn, then closes it.
func (k *Closer) loop() {
	io.Copy(io.Discard, k.conn)
	k.conn.Close()
}

// Quit writes and closes while loop may still be reading: the loop's own
// Close comes only after its reads end, so it does not change what Quit's
// Close does.
func (k *Closer) Quit() error {
	k.conn.Write([]byte("QUIT\r\n"))
	return k.conn.Close() // want `conn is closed after a write \(line 90\) without CloseWrite and a drain while another goroutine reads it`
}

// Handed's goroutine hands the conn to a function value: what it does is
// not known, so Quit is not judged.
type Handed struct {
	conn   net.Conn
	handle func(net.Conn)
}

// NewHanded starts the goroutine.
func NewHanded(c net.Conn, h func(net.Conn)) *Handed {
	x := &Handed{conn: c, handle: h}
	go x.serve()
	return x
}

// serve hands the conn on.
func (x *Handed) serve() { x.handle(x.conn) }

// Quit is silent.
func (x *Handed) Quit() error {
	x.conn.Write([]byte("QUIT\r\n"))
	return x.conn.Close()
}

// Pinger's goroutine writes: it is not a reader, so Quit is not judged.
type Pinger struct{ conn net.Conn }

// NewPinger starts the goroutine.
func NewPinger(c net.Conn) *Pinger {
	p := &Pinger{conn: c}
	go p.ping()
	return p
}

// ping writes three pings.
func (p *Pinger) ping() {
	for i := 0; i < 3; i++ {
		if _, err := p.conn.Write([]byte("PING\r\n")); err != nil {
			return
		}
	}
}

// Quit is silent.
func (p *Pinger) Quit() error {
	p.conn.Write([]byte("QUIT\r\n"))
	return p.conn.Close()
}

// Joined's Finish starts a goroutine that reads the conn to EOF, and waits
// for it before the Close: that Close is safe, and a function that starts
// a reader is not judged.
type Joined struct{ conn *net.TCPConn }

// Finish writes, half-closes, waits for the reader's EOF, then closes.
func (j *Joined) Finish() error {
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, j.conn)
		close(done)
	}()
	j.conn.Write([]byte("DONE\r\n"))
	j.conn.CloseWrite()
	<-done
	return j.conn.Close()
}

// Watched's goroutine only waits for a context: it never touches the
// conn, so the conn is judged as if no goroutine used the object.
type Watched struct {
	conn     net.Conn
	canceled chan struct{}
}

// Watch starts the goroutine.
func (w *Watched) Watch(ctx context.Context) {
	go func() {
		<-ctx.Done()
		close(w.canceled)
	}()
}

// Quit writes and closes: reported, with a fix that drains (nothing else
// reads the conn).
func (w *Watched) Quit() error {
	w.conn.Write([]byte("QUIT\r\n"))
	return w.conn.Close() // want `conn is closed after a write \(line 178\) without CloseWrite and a drain: unread`
}

// Leave half-closes after its write: the read loop reads the peer's rest
// to EOF. Whether Leave waits for it is not in the model; not judged.
func (s *Sub) Leave() error {
	s.conn.Write([]byte("UNSUB news\r\n"))
	if tc, ok := s.conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	return s.conn.Close()
}

// Redialer's goroutine stores a new conn into the field (a reconnect):
// the field may hold another conn by the Close, so Quit is not judged.
type Redialer struct {
	conn net.Conn
	addr string
}

// Start starts the reconnect loop.
func (r *Redialer) Start() { go r.redial() }

// redial replaces the conn.
func (r *Redialer) redial() {
	c, err := net.Dial("tcp", r.addr)
	if err == nil {
		r.conn = c
	}
}

// Quit is silent.
func (r *Redialer) Quit() error {
	r.conn.Write([]byte("QUIT\r\n"))
	return r.conn.Close()
}

// Framed's read loop reads through a local copy of the conn and a helper
// of the package: reads only, so Bye is judged.
type Framed struct {
	sync.Mutex
	conn net.Conn
	n    int
}

// Run starts the read loop.
func (f *Framed) Run() { go f.frames() }

// frames reads 4-byte headers through readHeader, counting them under
// the embedded lock.
func (f *Framed) frames() {
	c := f.conn
	for {
		if err := readHeader(c); err != nil {
			return
		}
		f.Lock()
		f.n++
		f.Unlock()
	}
}

// readHeader reads one header.
func readHeader(c net.Conn) error {
	hdr := make([]byte, 4)
	_, err := io.ReadFull(c, hdr)
	return err
}

// Bye writes and closes while frames may still read.
func (f *Framed) Bye() error {
	f.conn.Write([]byte("BYE\r\n"))
	return f.conn.Close() // want `conn is closed after a write \(line 250\) without CloseWrite and a drain while another goroutine reads it`
}

// Logged's goroutine hands the object itself to another package's
// function: not followed, so Quit is not judged.
type Logged struct{ conn net.Conn }

// Log starts the goroutine.
func (l *Logged) Log(sink func(any)) {
	go func() { fmt.Println(l) }()
}

// Quit is silent.
func (l *Logged) Quit() error {
	l.conn.Write([]byte("QUIT\r\n"))
	return l.conn.Close()
}

// Canceled's goroutine closes the conn when its context is done, and
// does nothing else to it: a deliberate abort, which the rules do not
// judge. The conn is judged as if no goroutine used the object.
type Canceled struct {
	conn net.Conn
	stop chan struct{}
}

// Watch starts the watcher.
func (c *Canceled) Watch(ctx context.Context) {
	go c.watch(ctx)
}

// watch aborts the conn when ctx is done.
func (c *Canceled) watch(ctx context.Context) {
	select {
	case <-ctx.Done():
		c.conn.SetDeadline(aLongTimeAgo)
		c.conn.Close()
	case <-c.stop:
	}
}

// aLongTimeAgo is a deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)

// Quit writes and closes: reported, with a fix that drains (nothing else
// reads the conn).
func (c *Canceled) Quit() error {
	c.conn.Write([]byte("QUIT\r\n"))
	close(c.stop)
	return c.conn.Close() // want `conn is closed after a write \(line 298\) without CloseWrite and a drain: unread`
}

// Goodbye's watcher writes a goodbye before it closes the conn: it owns
// the conn's last bytes, so Quit is not judged.
type Goodbye struct {
	conn net.Conn
}

// Watch starts the watcher.
func (g *Goodbye) Watch(ctx context.Context) {
	go func() {
		<-ctx.Done()
		g.conn.Write([]byte("BYE\r\n"))
		g.conn.Close()
	}()
}

// Quit is silent.
func (g *Goodbye) Quit() error {
	g.conn.Write([]byte("QUIT\r\n"))
	return g.conn.Close()
}

// DialPinger allocates a Pinger, whose goroutine owns the conn once it
// runs, and refuses a strict session before starting it: until the go
// statement, no goroutine has the object, so the Close there is judged.
func DialPinger(addr string, strict bool) (*Pinger, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	greeting := make([]byte, 64)
	if _, err := c.Read(greeting); err != nil {
		c.Close()
		return nil, err
	}
	p := &Pinger{conn: c}
	p.conn.Write([]byte("HELLO\r\n"))
	if strict {
		c.Close() // want `conn is closed after a write \(line 338\) without CloseWrite and a drain: unread`
		return nil, fmt.Errorf("strict")
	}
	go p.ping()
	return p, nil
}

// DialPingerLate closes after the go statement: the goroutine has the
// object, so the Close is not judged.
func DialPingerLate(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	greeting := make([]byte, 64)
	c.Read(greeting)
	p := &Pinger{conn: c}
	p.conn.Write([]byte("HELLO\r\n"))
	go p.ping()
	return c.Close()
}

// start starts the Pinger's goroutine.
func (p *Pinger) start() { go p.ping() }

// DialPingerStarted hands the object to a method of its type, which may
// start its goroutine (this one does): after the call the Close is not
// judged.
func DialPingerStarted(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	greeting := make([]byte, 64)
	c.Read(greeting)
	p := &Pinger{conn: c}
	p.conn.Write([]byte("HELLO\r\n"))
	p.start()
	return c.Close()
}
