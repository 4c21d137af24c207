// Package multipath has Closes reached by several condemned paths that
// would be explained differently. The reported path is chosen by a stated
// order (docs/design.md), so the message and the fix are the same on
// every run, and the fix covers every path.
package multipath

import "net"

var a, b = []byte("a"), []byte("b")

// Both half-closes on one path and writes without half-closing on
// another: the path without CloseWrite is reported (its fix does more),
// so the fix half-closes too.
func Both(c *net.TCPConn, k int) {
	defer c.Close() // want `conn is closed after a write \(line 21\) without CloseWrite and a drain`
	if k == 0 {
		c.Write(a)
		c.CloseWrite()
	}
	if k == 1 {
		c.Write(b)
	}
}

// TwoWrites writes on either branch: the write that comes first in the
// source is named.
func TwoWrites(c net.Conn, k int) {
	if k == 0 {
		c.Write(a)
	} else {
		c.Write(b)
	}
	c.Close() // want `conn is closed after a write \(line 29\) without CloseWrite and a drain`
}

// HalfClosedBoth half-closes on every path: only the drain is missing.
func HalfClosedBoth(c *net.TCPConn, k int) {
	if k == 0 {
		c.Write(a)
	} else {
		c.Write(b)
	}
	c.CloseWrite()
	c.Close() // want `conn is closed after a write \(line 39\) after CloseWrite but without a drain`
}

// ManyBranches writes on one of 70 independent branches: each is a path
// of its own, and the function is judged, not given up on.
func ManyBranches(c net.Conn, k int) {
	if k == 0 {
		c.Write(a)
	}
	if k == 1 {
		c.Write(a)
	}
	if k == 2 {
		c.Write(a)
	}
	if k == 3 {
		c.Write(a)
	}
	if k == 4 {
		c.Write(a)
	}
	if k == 5 {
		c.Write(a)
	}
	if k == 6 {
		c.Write(a)
	}
	if k == 7 {
		c.Write(a)
	}
	if k == 8 {
		c.Write(a)
	}
	if k == 9 {
		c.Write(a)
	}
	if k == 10 {
		c.Write(a)
	}
	if k == 11 {
		c.Write(a)
	}
	if k == 12 {
		c.Write(a)
	}
	if k == 13 {
		c.Write(a)
	}
	if k == 14 {
		c.Write(a)
	}
	if k == 15 {
		c.Write(a)
	}
	if k == 16 {
		c.Write(a)
	}
	if k == 17 {
		c.Write(a)
	}
	if k == 18 {
		c.Write(a)
	}
	if k == 19 {
		c.Write(a)
	}
	if k == 20 {
		c.Write(a)
	}
	if k == 21 {
		c.Write(a)
	}
	if k == 22 {
		c.Write(a)
	}
	if k == 23 {
		c.Write(a)
	}
	if k == 24 {
		c.Write(a)
	}
	if k == 25 {
		c.Write(a)
	}
	if k == 26 {
		c.Write(a)
	}
	if k == 27 {
		c.Write(a)
	}
	if k == 28 {
		c.Write(a)
	}
	if k == 29 {
		c.Write(a)
	}
	if k == 30 {
		c.Write(a)
	}
	if k == 31 {
		c.Write(a)
	}
	if k == 32 {
		c.Write(a)
	}
	if k == 33 {
		c.Write(a)
	}
	if k == 34 {
		c.Write(a)
	}
	if k == 35 {
		c.Write(a)
	}
	if k == 36 {
		c.Write(a)
	}
	if k == 37 {
		c.Write(a)
	}
	if k == 38 {
		c.Write(a)
	}
	if k == 39 {
		c.Write(a)
	}
	if k == 40 {
		c.Write(a)
	}
	if k == 41 {
		c.Write(a)
	}
	if k == 42 {
		c.Write(a)
	}
	if k == 43 {
		c.Write(a)
	}
	if k == 44 {
		c.Write(a)
	}
	if k == 45 {
		c.Write(a)
	}
	if k == 46 {
		c.Write(a)
	}
	if k == 47 {
		c.Write(a)
	}
	if k == 48 {
		c.Write(a)
	}
	if k == 49 {
		c.Write(a)
	}
	if k == 50 {
		c.Write(a)
	}
	if k == 51 {
		c.Write(a)
	}
	if k == 52 {
		c.Write(a)
	}
	if k == 53 {
		c.Write(a)
	}
	if k == 54 {
		c.Write(a)
	}
	if k == 55 {
		c.Write(a)
	}
	if k == 56 {
		c.Write(a)
	}
	if k == 57 {
		c.Write(a)
	}
	if k == 58 {
		c.Write(a)
	}
	if k == 59 {
		c.Write(a)
	}
	if k == 60 {
		c.Write(a)
	}
	if k == 61 {
		c.Write(a)
	}
	if k == 62 {
		c.Write(a)
	}
	if k == 63 {
		c.Write(a)
	}
	if k == 64 {
		c.Write(a)
	}
	if k == 65 {
		c.Write(a)
	}
	if k == 66 {
		c.Write(a)
	}
	if k == 67 {
		c.Write(a)
	}
	if k == 68 {
		c.Write(a)
	}
	if k == 69 {
		c.Write(a)
	}
	c.Close() // want `conn is closed after a write \(line 51\) without CloseWrite and a drain`
}
