// Package unix is a minimal stand-in for golang.org/x/sys/unix: only what
// the lingerzero testdata needs. connflow recognizes the real package by
// its import path, so the stub is enough.
package unix

// Linger is unix.Linger (struct linger).
type Linger struct {
	Onoff  int32
	Linger int32
}

const (
	SOL_SOCKET = 0x1
	SO_LINGER  = 0xd
)

// SetsockoptLinger sets SO_LINGER on fd. The stub does nothing.
func SetsockoptLinger(fd, level, opt int, l *Linger) error { return nil }
