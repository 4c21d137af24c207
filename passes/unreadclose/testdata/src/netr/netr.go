// Package netr reads through helpers in another package.
package netr

import "io"

// ReadHeader reads a fixed 4-byte header.
func ReadHeader(r io.Reader) ([]byte, error) {
	hdr := make([]byte, 4)
	_, err := io.ReadFull(r, hdr)
	return hdr, err
}
