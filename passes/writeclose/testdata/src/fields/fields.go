// Package fields: a struct that keeps a conn in a field owns it, and its
// methods are judged with it.
package fields

import (
	"bufio"
	"errors"
	"net"
)

// Client keeps its conn in a field, as database and message-queue
// clients do.
type Client struct {
	conn net.Conn
	name string
}

// Dial makes a client; storing the conn in the struct hands it to the
// client (nothing to judge here).
func Dial(addr string) (*Client, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c}, nil
}

// Quit writes its goodbye and closes: the server's pending data (or its
// reply) arrives at a closed socket and resets the conn.
func (c *Client) Quit() error {
	if _, err := c.conn.Write([]byte("QUIT\r\n")); err != nil {
		c.conn.Close()
		return err
	}
	return c.conn.Close() // want `conn is closed after a write \(line 31\) without CloseWrite and a drain`
}

// Close only closes: nothing this method did can be lost.
func (c *Client) Close() error { return c.conn.Close() }

// QuitAndWait writes its goodbye, reads the server's reply, then closes.
func (c *Client) QuitAndWait() error {
	if _, err := c.conn.Write([]byte("QUIT\r\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	if _, err := c.conn.Read(buf); err != nil {
		return err
	}
	return c.conn.Close()
}

// Graceful half-closes and drains before the Close.
func (c *Client) Graceful() error {
	c.conn.Write([]byte("QUIT\r\n"))
	if tc, ok := c.conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	buf := make([]byte, 512)
	for {
		if _, err := c.conn.Read(buf); err != nil {
			break
		}
	}
	return c.conn.Close()
}

// handler is code the analysis cannot see.
var handler func(net.Conn)

// Reject answers and closes on one path, and hands the conn to a handler
// on the other: after the hand-on nothing is judged.
func (c *Client) Reject(busy bool) {
	if busy {
		c.conn.Write([]byte("busy\r\n"))
		c.conn.Close() // want `conn is closed after a write \(line 75\) without CloseWrite and a drain`
		return
	}
	handler(c.conn)
	c.conn.Close()
}

// Reconnect stores another conn in the field before it closes: the field
// holds two conns in this method, and none is judged.
func (c *Client) Reconnect(addr string) error {
	c.conn.Write([]byte("BYE\r\n"))
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	old := c.conn
	c.conn = nc
	return old.Close()
}

// Session embeds its conn.
type Session struct {
	net.Conn
	w *bufio.Writer
}

// Fail writes an error through the embedded conn and closes it.
func (s *Session) Fail(msg string) {
	s.Write([]byte(msg))
	s.Close() // want `conn is closed after a write \(line 104\) without CloseWrite and a drain`
}

// Reader's conn is read by a goroutine that only reads it (a read loop):
// the other methods are judged, without a fix (none can wait for it).
type Reader struct {
	conn net.Conn
	in   chan []byte
}

func NewReader(c net.Conn) *Reader {
	r := &Reader{conn: c, in: make(chan []byte)}
	go r.loop()
	return r
}

func (r *Reader) loop() {
	buf := make([]byte, 512)
	for {
		n, err := r.conn.Read(buf)
		if err != nil {
			close(r.in)
			return
		}
		r.in <- buf[:n]
	}
}

// Stop writes a goodbye and closes while loop still reads.
func (r *Reader) Stop() error {
	r.conn.Write([]byte("BYE\r\n"))
	return r.conn.Close() // want `conn is closed after a write \(line 135\) without CloseWrite and a drain while another goroutine reads it`
}

// errBusy is returned by a refusal.
var errBusy = errors.New("busy")

// config is a struct of the package that holds a conn it does not own:
// a field of a value parameter is still the object's.
type config struct{ c net.Conn }

// refuse is judged too: its parameter is the package's struct.
func refuse(cfg config) error {
	cfg.c.Write([]byte("refused\r\n"))
	cfg.c.Close() // want `conn is closed after a write \(line 148\) without CloseWrite and a drain`
	return errBusy
}

// sendQuit writes the goodbye.
func (c *Client) sendQuit() error {
	_, err := c.conn.Write([]byte("QUIT\r\n"))
	return err
}

// Shutdown writes through one method and closes through another: the
// two calls' events are judged together, here.
func (c *Client) Shutdown() {
	c.sendQuit()
	c.Close() // want `conn is closed by Close after a write \(line 162\) without CloseWrite and a drain`
}

// register is code the analysis cannot see.
var register func(*Client)

// Handoff hands the client, and so its conn, to that code before it
// closes: nothing is judged after the hand-on.
func (c *Client) Handoff() {
	c.sendQuit()
	register(c)
	c.Close()
}

var clients = map[*Client]bool{}

// Track stores the client where others may use it.
func (c *Client) Track() {
	c.sendQuit()
	clients[c] = true
	c.Close()
}
