package unflushedclose

import (
	"bufio"
	"io"
	"net"
	"net/textproto"
)

// ---- reported ----

func lines(c net.Conn, ls []string) {
	w := bufio.NewWriter(c)
	for _, l := range ls {
		w.WriteString(l + "\n")
	}
	c.Close() // want `conn is closed while a buffered write \(line 15\) is unflushed`
}

func deferred(c net.Conn, msg []byte) {
	w := bufio.NewWriter(c)
	defer c.Close() // want `conn is closed while a buffered write \(line 23\) is unflushed`
	w.Write(msg)
}

func readWriter(c net.Conn) {
	rw := bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c))
	rw.ReadString('\n')
	rw.WriteString("+OK\r\n")
	c.Close() // want `conn is closed while a buffered write`
}

func flushOnOnePath(c net.Conn, ok bool) {
	w := bufio.NewWriter(c)
	w.WriteString("x")
	if ok {
		w.Flush()
	}
	c.Close() // want `conn is closed while a buffered write`
}

func writeThenClose(c net.Conn) {
	w := bufio.NewWriterSize(c, 64<<10)
	io.WriteString(w, "hello")
	c.Close() // want `conn is closed while a buffered write`
}

// ---- not reported ----

func flushed(c net.Conn, msg []byte) error {
	w := bufio.NewWriter(c)
	w.Write(msg)
	if err := w.Flush(); err != nil {
		c.Close()
		return err
	}
	io.ReadAll(c)
	return c.Close()
}

func writeFailed(c net.Conn, msg []byte) {
	w := bufio.NewWriter(c)
	if _, err := w.Write(msg); err != nil {
		c.Close()
		return
	}
	w.Flush()
	io.ReadAll(c)
	c.Close()
}

func textprotoLine(c net.Conn) {
	tw := textproto.NewWriter(bufio.NewWriter(c))
	tw.PrintfLine("QUIT")
	io.ReadAll(c)
	c.Close()
}

func returned(c net.Conn) *bufio.Writer {
	w := bufio.NewWriter(c)
	w.WriteString("x")
	return w
}

func noConn(w io.Writer) {
	bw := bufio.NewWriter(w)
	bw.WriteString("x")
}

// ---- reported without a fix (docs/rules/unflushedclose.md: when no fix is offered) ----

// The writer is a call result, not a variable: nothing to name in a Flush.
func callResult(c net.Conn) {
	bufio.NewWriter(c).WriteString("x")
	c.Close() // want `conn is closed while a buffered write \(line 94\) is unflushed`
}

// The writer's variable is not in scope at the Close.
func outOfScope(c net.Conn, ok bool) {
	if ok {
		w := bufio.NewWriter(c)
		w.WriteString("x")
	}
	c.Close() // want `conn is closed while a buffered write \(line 102\) is unflushed`
}
