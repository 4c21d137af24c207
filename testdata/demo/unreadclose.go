package main

import (
	"bufio"
	"log"
	"net"
	"strings"
	"time"
)

const preamble = "DEMO/1\r\n"

// serve answers one GET. A client that does not speak the protocol is
// hung up on, with whatever else it sent still unread: Close sends RST.
func serve(c net.Conn, store *Store) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		c.Close()
		return
	}
	if line != preamble {
		log.Printf("%v: not a demo client", c.RemoteAddr())
		c.Close()
		return
	}
	key, err := r.ReadString('\n')
	if err != nil {
		c.Close()
		return
	}
	v, _ := store.Get(strings.TrimSpace(key))
	answer(c, v)
}

// answer writes the value, half-closes, and waits for the client's EOF
// before closing: the graceful close, which no rule reports.
func answer(c net.Conn, v string) {
	defer c.Close()
	if _, err := c.Write([]byte(v + "\r\n")); err != nil {
		return
	}
	c.(*net.TCPConn).CloseWrite()
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}
