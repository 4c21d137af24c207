// Package encoders: a json or gob encoder made over a bufio.Writer writes
// into its buffer; what it encodes reaches the conn only with a Flush.
package encoders

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"net"
)

// ---- reported ----

func encodeThenClose(c net.Conn, v any) {
	bw := bufio.NewWriter(c)
	enc := json.NewEncoder(bw)
	enc.Encode(v)
	c.Close() // want `conn is closed while a buffered write \(line 19\) is unflushed`
}

func gobDeferred(c net.Conn, v any) error {
	bw := bufio.NewWriter(c)
	defer c.Close() // want `conn is closed while a buffered write \(line 26\) is unflushed`
	return gob.NewEncoder(bw).Encode(v)
}

func replies(c net.Conn, vs []any) {
	r := bufio.NewReader(c)
	bw := bufio.NewWriterSize(c, 64<<10)
	enc := json.NewEncoder(bw)
	for _, v := range vs {
		if _, err := r.ReadString('\n'); err != nil {
			break
		}
		if err := enc.Encode(v); err != nil {
			c.Close()
			return
		}
	}
	c.Close() // want `conn is closed while a buffered write \(line 37\) is unflushed`
}

// ---- not reported ----

func flushed(c net.Conn, v any) error {
	bw := bufio.NewWriter(c)
	if err := json.NewEncoder(bw).Encode(v); err != nil {
		c.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		c.Close()
		return err
	}
	io.ReadAll(c)
	return c.Close()
}

// An encoder straight over the conn writes to it.
func unbuffered(c net.Conn, v any) {
	json.NewEncoder(c).Encode(v)
	io.ReadAll(c)
	c.Close()
}

// An encoder received from the caller: what it is made over is not in
// sight, and its writes count as writes to the conn.
func encoderParam(c net.Conn, enc *json.Encoder, v any) {
	enc.Encode(v)
	io.ReadAll(c)
	c.Close()
}

// ---- reported without a fix ----

// The buffered writer is only seen as an io.Writer: `w.Flush()` would not
// build, so the finding comes without a fix.
func asWriter(c net.Conn) {
	var w io.Writer = bufio.NewWriter(c)
	fmt.Fprintf(w, "QUIT\r\n")
	c.Close() // want `conn is closed while a buffered write \(line 82\) is unflushed`
}
