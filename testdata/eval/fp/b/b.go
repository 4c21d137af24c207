// Package b: class B. Reads of the conn in a goroutine that the function
// joins before Close are not on the Close's path (gorilla/websocket and
// goproxy tests).
package b

import (
	"io"
	"net"
)

func relay(c1, c2 net.Conn) {
	defer c2.Close() // FP writeclose: the goroutine read c2 to EOF, and <-done orders it before this Close
	done := make(chan struct{})
	go func() {
		io.Copy(c1, c2)
		close(done)
	}()
	io.Copy(c2, c1)
	<-done
}

func awaitReply(c net.Conn) {
	defer c.Close() // FP writeclose: the reply (or EOF) was read before the Close, in a goroutine joined by <-done
	c.Write([]byte("hello"))
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 1024)
		c.Read(buf)
		close(done)
	}()
	<-done
}
