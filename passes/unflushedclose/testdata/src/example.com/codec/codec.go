// Package codec stands for a third-party codec (go-msgpack's, ugorji's)
// that follows encoding/json's convention: NewEncoder(io.Writer, ...)
// *Encoder with Encode, NewDecoder(io.Reader, ...) *Decoder with Decode.
// Like go-msgpack's, its Encoder writes what it encodes into its writer at
// the end of each Encode and never flushes that writer.
package codec

import "io"

type Handle struct{}

type Encoder struct {
	w   io.Writer
	buf []byte
}

func NewEncoder(w io.Writer, h *Handle) *Encoder { return &Encoder{w: w} }

func (e *Encoder) Encode(v any) error {
	e.buf = append(e.buf[:0], 0x90)
	_, err := e.w.Write(e.buf)
	return err
}

func (e *Encoder) Reset(w io.Writer) { e.w = w }

type Decoder struct{ r io.Reader }

func NewDecoder(r io.Reader, h *Handle) *Decoder { return &Decoder{r: r} }

func (d *Decoder) Decode(v any) error {
	var b [1]byte
	_, err := io.ReadFull(d.r, b[:])
	return err
}
