// Package localobjects: a function that stores its conn into an object
// it allocates (a dial helper that speaks the handshake through the
// object's methods) still owns the conn; it leaves only with the object.
package localobjects

import (
	"bufio"
	"errors"
	"net"
)

// client keeps its conn and buffered wrappers over it.
type client struct {
	nc net.Conn
	bw *bufio.Writer
	br *bufio.Reader
}

// do writes a command and reads the one-line reply.
func (c *client) do(cmd string) (string, error) {
	if _, err := c.bw.WriteString(cmd + "\r\n"); err != nil {
		return "", err
	}
	if err := c.bw.Flush(); err != nil {
		return "", err
	}
	return c.br.ReadString('\n')
}

// send writes a command and does not wait for a reply.
func (c *client) send(cmd string) error {
	if _, err := c.bw.WriteString(cmd + "\r\n"); err != nil {
		return err
	}
	return c.bw.Flush()
}

// shut closes the client's conn.
func (c *client) shut() error { return c.nc.Close() }

var errRefused = errors.New("refused")

// Dial reads the reply to AUTH before it closes on a refusal: the peer
// answered, so it consumed the command. Judged, and silent.
func Dial(addr, pass string) (*client, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	if reply, err := c.do("AUTH " + pass); err != nil || reply != "+OK\r\n" {
		nc.Close()
		return nil, errRefused
	}
	return c, nil
}

// DialHello greets, and when told to give up sends QUIT, which it does
// not wait for, and closes: QUIT may be lost to a reset.
func DialHello(addr string, bail bool) (*client, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	if _, err := c.do("HELLO"); err != nil {
		nc.Close() // the exchange failed: nothing better is possible
		return nil, err
	}
	if bail {
		if err := c.send("QUIT"); err != nil {
			nc.Close() // the write failed: nothing better is possible
			return nil, err
		}
		nc.Close() // want `conn is closed after a write \(line 71\) without CloseWrite and a drain`
		return nil, errRefused
	}
	return c, nil
}

// DialShut closes through the object's method after QUIT.
func DialShut(addr string, bail bool) (*client, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	if _, err := c.do("HELLO"); err != nil {
		return nil, err
	}
	if bail {
		c.send("QUIT")
		c.shut() // want `conn is closed by shut after a write \(line 92\) without CloseWrite and a drain`
		return nil, errRefused
	}
	return c, nil
}

// register is code the analysis cannot see.
var register func(*client)

// DialRegistered hands the client to that code before it closes.
func DialRegistered(addr string) error {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	c.do("HELLO")
	c.send("QUIT")
	register(c)
	return nc.Close()
}

// keep is code the analysis cannot see, with an interface parameter.
var keep func(any)

// DialKept converts the client to an interface for that code: the
// object is not followed, so storing the conn into it hands the conn on.
func DialKept(addr string) error {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	c.do("HELLO")
	c.send("QUIT")
	keep(c)
	return nc.Close()
}

// DialDeferred returns the client; the deferred Close runs only on
// failure, and the returned client takes the conn before the defers run.
func DialDeferred(addr string) (_ *client, err error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	defer func() {
		if err != nil {
			nc.Close()
		}
	}()
	if err = c.send("HELLO"); err != nil {
		return nil, err
	}
	return c, nil
}

// Conn is the interface the package's clients are returned as.
type Conn interface{ Close() error }

// DialIface returns the client as an interface on success.
func DialIface(addr string, bail bool) (Conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	c.do("HELLO")
	c.send("QUIT")
	if bail {
		nc.Close() // want `conn is closed after a write \(line 162\) without CloseWrite and a drain`
		return nil, errRefused
	}
	return c, nil
}

// Close closes the client's conn.
func (c *client) Close() error { return c.nc.Close() }

// pump's objects go to a goroutine that only reads the conn. StartPump
// allocates one and starts the reader last: until the go statement no
// goroutine has the object, so the Close on the bad start is judged.
type pump struct{ nc net.Conn }

func (p *pump) loop() {
	buf := make([]byte, 512)
	for {
		if _, err := p.nc.Read(buf); err != nil {
			return
		}
	}
}

// StartPump writes, starts the pump, and closes on a bad start.
func StartPump(addr string, bail bool) error {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	p := &pump{nc: nc}
	nc.Write([]byte("HELLO\r\n"))
	if bail {
		return nc.Close() // want `conn is closed after a write \(line 194\) without CloseWrite and a drain: unread`
	}
	go p.loop()
	return nil
}

// DialCaptured keeps the client in a variable that a closure captures:
// the loads of that variable are other values, not followed, so storing
// the conn into the client hands it on.
func DialCaptured(addr string) error {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	c.do("HELLO")
	quit := func() { c.send("QUIT") }
	quit()
	return nc.Close()
}

// timeout is how long the dial helpers below let the handshake take.
var timeout = make(chan struct{})

// watch stops when the handshake is over.
func watch(done chan struct{}) {
	select {
	case <-done:
	case <-timeout:
	}
}

// DialWatched has a defer, so go/ssa returns its results through
// variables: `return c, nil` stores the client into one and returns what
// it loads back. The client is still the function's object: told to
// bail, it sends QUIT, which it does not wait for, and closes.
func DialWatched(addr string, bail bool) (*client, error) {
	done := make(chan struct{})
	go watch(done)
	defer close(done)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	if _, err := c.do("HELLO"); err != nil {
		nc.Close() // the exchange failed: nothing better is possible
		return nil, err
	}
	if bail {
		c.send("QUIT")
		nc.Close() // want `conn is closed after a write \(line 246\) without CloseWrite and a drain`
		return nil, errRefused
	}
	return c, nil
}

// DialWatchedAuth is Dial with the same defer: it reads the reply to
// AUTH before it closes on a refusal. Judged through the result
// variable, and silent; on success the client leaves with the return.
func DialWatchedAuth(addr, pass string) (Conn, error) {
	done := make(chan struct{})
	go watch(done)
	defer close(done)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	if reply, err := c.do("AUTH " + pass); err != nil || reply != "+OK\r\n" {
		nc.Close()
		return nil, errRefused
	}
	return c, nil
}

// DialNamed gives its named result the client before a bare return: the
// variable is assigned outside a return statement, so its loads are not
// followed and storing the conn into the client hands the conn on.
func DialNamed(addr string, bail bool) (c *client, err error) {
	defer func() {
		if err != nil {
			c = nil
		}
	}()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c = &client{nc: nc, bw: bufio.NewWriter(nc), br: bufio.NewReader(nc)}
	c.send("QUIT")
	if bail {
		nc.Close()
		return nil, errRefused
	}
	return
}
