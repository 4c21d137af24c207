// Package fpclasses holds one regression case per false-positive class
// found by the evaluation on real modules (docs/evaluation.md). None of
// them may be reported, except where a want says so.
package fpclasses

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"sync"
)

// Class A: a wrapper returned by a helper together with the conn.
func dial(addr string) (net.Conn, *bufio.Scanner, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	return c, bufio.NewScanner(c), nil
}

func capability(addr string) string {
	c, sc, err := dial(addr)
	if err != nil {
		return ""
	}
	defer c.Close()
	io.WriteString(c, "a001 CAPABILITY\r\n")
	sc.Scan()
	return sc.Text()
}

// Class B: reads in a goroutine the function joins before Close.
func relay(c1, c2 net.Conn) {
	defer c2.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(c1, c2)
		close(done)
	}()
	io.Copy(c2, c1)
	<-done
}

func awaitReply(c net.Conn) {
	defer c.Close()
	c.Write([]byte("hello"))
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 1024)
		c.Read(buf)
		close(done)
	}()
	<-done
}

// Class C1: a named interface with CloseWrite that is not a socket
// (like ssh.Channel).
type Channel interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
	CloseWrite() error
}

func echo(ch Channel) {
	defer ch.Close()
	buf := make([]byte, 1024)
	n, err := ch.Read(buf)
	if err != nil {
		return
	}
	ch.Write(buf[:n])
}

// Class D: a helper that reassigns its wrapper variable still reads its conn.
func readMsg(conn net.Conn) (byte, error) {
	var r io.Reader = bufio.NewReader(conn)
	var t [1]byte
	if _, err := io.ReadFull(r, t[:]); err != nil {
		return 0, err
	}
	if t[0] == 1 {
		r = bytes.NewReader(nil)
	}
	_, err := io.ReadFull(r, t[:])
	return t[0], err
}

func ping(conn net.Conn) error {
	defer conn.Close()
	if _, err := conn.Write([]byte("ping")); err != nil {
		return err
	}
	_, err := readMsg(conn)
	return err
}

// Class E: a deferred Close after the conn was closed does nothing.
func abort(c net.Conn) {
	defer c.Close()
	io.WriteString(c, "BDAT 8\r\nHey <")
	c.Close() // want `conn is closed after a write`
}

// Class G: a write after reading to EOF.
func echoAll(c net.Conn) {
	req, err := io.ReadAll(c)
	if err != nil {
		c.Close()
		return
	}
	c.Write(req)
	c.Close()
}

// Class H: a goroutine that owns its conn is judged where its code is.
func forward(l net.Listener, dial func() (net.Conn, error)) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func(conn net.Conn) {
			defer conn.Close()
			dst, err := dial()
			if err != nil {
				return
			}
			defer dst.Close()
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				io.Copy(conn, dst)
				conn.(*net.TCPConn).CloseWrite()
				wg.Done()
			}()
			go func() {
				io.Copy(dst, conn)
				dst.(*net.TCPConn).CloseWrite()
				wg.Done()
			}()
			wg.Wait()
		}(conn)
	}
}

// The evaluation also found writeclose reporting a deliberate abort
// (fasthttp): SetLinger(0) makes the RST the point.
func reject(c *net.TCPConn) {
	c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\n\r\n"))
	//teardown:abort shed load: reset the client so no TIME_WAIT piles up
	c.SetLinger(0)
	c.Close()
}
