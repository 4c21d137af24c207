package testfiles

import (
	"net"
	"testing"
)

func send(c net.Conn) {
	c.Write([]byte("x"))
	c.Close()
}

func TestSend(t *testing.T) {
	c, err := net.Dial("tcp", "127.0.0.1:1")
	if err != nil {
		t.Skip(err)
	}
	send(c)
}
