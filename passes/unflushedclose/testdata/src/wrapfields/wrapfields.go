// Package wrapfields: a buffered writer kept in a field over the
// object's conn field is that conn (connflow's wrapfields.go), so a
// method that writes through it and closes the conn without a Flush
// loses the buffered bytes.
package wrapfields

import (
	"bufio"
	"net"
	"os"
)

// Conn keeps a buffered writer over its conn.
type Conn struct {
	conn net.Conn
	bw   *bufio.Writer
}

// New makes a Conn.
func New(c net.Conn) *Conn {
	return &Conn{conn: c, bw: bufio.NewWriter(c)}
}

// Reject writes a refusal into the buffer and closes: it never reaches
// the socket.
func (c *Conn) Reject() error {
	c.bw.WriteString("-ERR busy\r\n")
	return c.conn.Close() // want `conn is closed while a buffered write \(line 27\) is unflushed`
}

// Send flushes before it returns; the caller closes later.
func (c *Conn) Send(msg string) error {
	if _, err := c.bw.WriteString(msg); err != nil {
		return err
	}
	return c.bw.Flush()
}

// Audit's writer is over a file in one place: it is not the conn's.
type Audit struct {
	conn net.Conn
	bw   *bufio.Writer
}

// NewAudit writes the audit to f.
func NewAudit(c net.Conn, f *os.File) *Audit {
	return &Audit{conn: c, bw: bufio.NewWriter(f)}
}

// Done writes the audit line and closes the conn: the buffer is the
// file's, not the conn's.
func (a *Audit) Done() error {
	a.bw.WriteString("done\n")
	return a.conn.Close()
}
