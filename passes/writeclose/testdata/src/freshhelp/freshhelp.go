// Package freshhelp reads frames through a reader object that a
// constructor makes, and answers pings through a replier object: its
// helpers only use their conn for the duration of the call, so their
// summaries (facts) say what they do to it (freshuse calls them).
package freshhelp

import (
	"errors"
	"io"
)

// ErrProtocol is a frame the helpers refuse: the peer may still be
// sending.
var ErrProtocol = errors.New("protocol error")

// reader reads one-byte frame headers and their payloads from src.
type reader struct {
	src io.Reader
	hdr [1]byte
}

// newReader is a fresh constructor: its object holds r and nothing else
// keeps it.
func newReader(r io.Reader) *reader { return &reader{src: r} }

// next reads a frame header: the payload's length, or a ping (0xfe), or
// a refused frame (0xff).
func (r *reader) next() (int, error) {
	if _, err := io.ReadFull(r.src, r.hdr[:]); err != nil {
		return 0, err
	}
	if r.hdr[0] == 0xff {
		return 0, ErrProtocol
	}
	return int(r.hdr[0]), nil
}

// payload reads n bytes of payload.
func (r *reader) payload(n int) ([]byte, error) {
	p := make([]byte, n)
	_, err := io.ReadFull(r.src, p)
	return p, err
}

// replier answers pings on dst.
type replier struct{ dst io.Writer }

// newReplier is a fresh constructor too.
func newReplier(w io.Writer) *replier { return &replier{dst: w} }

// pong answers a ping.
func (p *replier) pong() error {
	_, err := p.dst.Write([]byte{0xfe})
	return err
}

// ReadFrame reads the next data frame from rw, answering pings on it.
// Neither object outlives the call: rw is read and written, not handed on.
func ReadFrame(rw io.ReadWriter) ([]byte, error) {
	rd := newReader(rw)
	rp := newReplier(rw)
	for {
		n, err := rd.next()
		if err != nil {
			return nil, err
		}
		if n == 0xfe {
			if err := rp.pong(); err != nil {
				return nil, err
			}
			continue
		}
		return rd.payload(n)
	}
}

// readers is where Keep keeps its readers.
var readers []*reader

// Keep reads a header and keeps the reader for later: rw is handed on.
func Keep(rw io.ReadWriter) (int, error) {
	rd := newReader(rw)
	readers = append(readers, rd)
	return rd.next()
}

// Reader returns the reader it makes: rw leaves with it.
func Reader(rw io.ReadWriter) (*reader, error) {
	rd := newReader(rw)
	if _, err := rd.next(); err != nil {
		return nil, err
	}
	return rd, nil
}
