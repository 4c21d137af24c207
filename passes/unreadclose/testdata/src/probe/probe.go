// Package probe holds reply reads: a reply read in full (or as far as
// its framing goes) is not reported by default; a bounded prefix of a
// reply, which the code keeps knowing the peer may send more, is.
package probe

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
)

// probe writes a request and keeps the first 512 bytes of the answer: a
// health check that looks at the status line of a streamed response.
func probe(addr string) ([]byte, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close() // want `conn is closed after a read \(line 23\) that stopped before EOF`
	fmt.Fprintf(c, "GET / HTTP/1.0\r\n\r\n")
	return io.ReadAll(io.LimitReader(c, 512))
}

// copyPrefix copies a prefix of the answer into w.
func copyPrefix(c net.Conn, w io.Writer) error {
	if _, err := io.WriteString(c, "STATS\r\n"); err != nil {
		c.Close()
		return err
	}
	io.Copy(w, io.LimitReader(c, 4096))
	return c.Close() // want `conn is closed after a read \(line 32\) that stopped before EOF`
}

// drainBounded drains into io.Discard: a bounded drain, the fix's own.
func drainBounded(c net.Conn) error {
	io.WriteString(c, "QUIT\r\n")
	io.Copy(io.Discard, io.LimitReader(c, 256<<10))
	return c.Close()
}

// frame reads a frame whose length the protocol announced: the limit is
// the frame, not a prefix.
func frame(c net.Conn) ([]byte, error) {
	defer c.Close()
	io.WriteString(c, "GET\r\n")
	var n uint32
	if err := binary.Read(c, binary.BigEndian, &n); err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(c, int64(n)))
}

// statusLine reads one line of the reply: a framed reply, not reported by
// default (-unreadclose.framed reports it).
func statusLine(c net.Conn) (string, error) {
	defer c.Close()
	io.WriteString(c, "PING\r\n")
	return bufio.NewReader(c).ReadString('\n')
}
