package main

import (
	"io"
	"net"
	"time"
)

// refuse tells a client that the server is full and hangs up. The client
// has usually sent its request by then; it is never read, so Close sends
// RST, and the client may get ECONNRESET instead of the message.
func refuse(c net.Conn) {
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(c, "-ERR server busy, try again later\r\n")
}
