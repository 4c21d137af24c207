// Package freshread: a helper that reads a command through an object a
// fresh constructor makes, and that does not outlive the call, has read
// its conn; a Close after it, before the peer's EOF, is judged.
package freshread

import (
	"io"
	"net"
)

// cmdReader reads fixed-size commands from src.
type cmdReader struct {
	src io.Reader
	cmd [4]byte
}

// newCmdReader is a fresh constructor.
func newCmdReader(r io.Reader) *cmdReader { return &cmdReader{src: r} }

// next reads one command.
func (c *cmdReader) next() (string, error) {
	_, err := io.ReadFull(c.src, c.cmd[:])
	return string(c.cmd[:]), err
}

// drain reads src to EOF.
func (c *cmdReader) drain() error {
	_, err := io.Copy(io.Discard, c.src)
	return err
}

// readCmd reads one command through a fresh reader: it reads r.
func readCmd(r io.Reader) (string, error) {
	cr := newCmdReader(r)
	return cr.next()
}

// readAll reads commands until the peer's EOF.
func readAll(r io.Reader) error {
	cr := newCmdReader(r)
	return cr.drain()
}

// Serve reads one command and closes: anything the peer sent after it
// turns Close into RST.
func Serve(c net.Conn) {
	defer c.Close() // want `conn is closed after a read \(line 48\) that stopped before EOF`
	readCmd(c)
}

// ServeAll reads every command to the peer's EOF, then closes: silent.
func ServeAll(c net.Conn) {
	defer c.Close()
	readAll(c)
}

// cached is where ServeKept's reader goes.
var cached *cmdReader

// keepCmd keeps its reader: r is handed on.
func keepCmd(r io.Reader) {
	cr := newCmdReader(r)
	cached = cr
	cr.next()
}

// ServeKept hands the conn on through keepCmd: silent.
func ServeKept(c net.Conn) {
	defer c.Close()
	keepCmd(c)
}
