// Package codecs: another package's encoder that follows encoding/json's
// convention (NewEncoder(io.Writer) *Encoder, Encode) is judged like
// json.Encoder: made over a bufio.Writer, what it encodes waits in the
// buffer; made over the conn, it writes to the conn.
package codecs

import (
	"bufio"
	"fmt"
	"io"
	"net"

	"example.com/codec"
)

// ---- reported ----

// The shape of raft's NetworkTransport.handleConn with its Flush removed:
// a request loop whose replies a helper encodes into a bufio.Writer that
// nothing flushes; the next request's unknown type ends the loop and the
// reply is dropped.
func serve(c net.Conn) {
	defer c.Close() // want `conn is closed while a buffered write \(line 29\) is unflushed`
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	dec := codec.NewDecoder(r, nil)
	enc := codec.NewEncoder(w, nil)
	for {
		if err := handle(r, dec, enc); err != nil {
			return
		}
	}
}

func handle(r *bufio.Reader, dec *codec.Decoder, enc *codec.Encoder) error {
	typ, err := r.ReadByte()
	if err != nil {
		return err
	}
	if typ != 1 {
		return fmt.Errorf("unknown request type %d", typ)
	}
	var req string
	if err := dec.Decode(&req); err != nil {
		return err
	}
	return enc.Encode(req)
}

func encodeThenClose(c net.Conn, v any) {
	w := bufio.NewWriter(c)
	codec.NewEncoder(w, nil).Encode(v)
	c.Close() // want `conn is closed while a buffered write \(line 52\) is unflushed`
}

// Reset points the encoder at another writer; what it wrote into w is
// still in w's buffer.
func reset(c net.Conn, other io.Writer, v any) {
	w := bufio.NewWriter(c)
	enc := codec.NewEncoder(w, nil)
	enc.Encode(v)
	enc.Reset(other)
	c.Close() // want `conn is closed while a buffered write \(line 61\) is unflushed`
}

// ---- not reported ----

// raft's handleConn as it is: every reply flushed.
func serveFlushed(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	dec := codec.NewDecoder(r, nil)
	enc := codec.NewEncoder(w, nil)
	for {
		if err := handleFlushed(r, dec, enc); err != nil {
			return
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}

func handleFlushed(r *bufio.Reader, dec *codec.Decoder, enc *codec.Encoder) error {
	typ, err := r.ReadByte()
	if err != nil {
		return err
	}
	if typ != 1 {
		return fmt.Errorf("unknown request type %d", typ)
	}
	var req string
	if err := dec.Decode(&req); err != nil {
		return err
	}
	return enc.Encode(req)
}

// Over the conn itself the encoder writes to it.
func unbuffered(c net.Conn, v any) {
	codec.NewEncoder(c, nil).Encode(v)
	io.ReadAll(c)
	c.Close()
}
