package unreadclose

import (
	"context"
	"net"
)

// serveUntilDone reads commands until its context is done. The return on
// ctx.Done() is a deliberate teardown (a server told to shut down) and is
// not reported; the return on a "q" command leaves the rest of the line
// unread, and is.
func serveUntilDone(ctx context.Context, c net.Conn) {
	defer c.Close() // want `conn is closed after a read \(line 21\) that stopped before EOF`
	buf := make([]byte, 1)
	for {
		select {
		case <-ctx.Done():
			return
		default:
		}
		if _, err := c.Read(buf); err != nil {
			return
		}
		if buf[0] == 'q' {
			return
		}
	}
}

// untilDone only returns when its context is done.
func untilDone(ctx context.Context, c net.Conn) {
	defer c.Close()
	buf := make([]byte, 1)
	for {
		select {
		case <-ctx.Done():
			return
		default:
		}
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}
