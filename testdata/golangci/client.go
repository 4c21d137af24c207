package golangcitest

import (
	"io"
	"net"
)

// call writes a request and reads a 4-byte reply header, then closes. By
// default unreadclose assumes the peer is done after a reply to our
// request; with the setting unreadclose.framed: true it reports the Close.
func call(c net.Conn, req []byte) ([]byte, error) {
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	hdr := make([]byte, 4)
	_, err := io.ReadFull(c, hdr)
	c.Close()
	return hdr, err
}
