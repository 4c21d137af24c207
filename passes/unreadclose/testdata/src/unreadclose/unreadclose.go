package unreadclose

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"time"

	"netr"
)

// ---- reported ----

func seed(c net.Conn) {
	buf := make([]byte, 1)
	c.Read(buf)
	c.Close() // want `conn is closed after a read \(line 18\) that stopped before EOF`
}

func header(c net.Conn) {
	defer c.Close() // want `conn is closed after a read`
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	if string(hdr) != "PING" {
		return
	}
}

func requestLine(c net.Conn) {
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		c.Close()
		return
	}
	_ = line
	c.Close() // want `conn is closed after a read`
}

func textprotoLine(c net.Conn) {
	tr := textproto.NewReader(bufio.NewReader(c))
	tr.ReadLine()
	c.Close() // want `conn is closed after a read`
}

func httpRequest(c net.Conn) {
	defer c.Close() // want `conn is closed after a read`
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	_ = req
}

func loopWithLimit(c net.Conn) {
	buf := make([]byte, 1024)
	total := 0
	for total < 4096 {
		n, err := c.Read(buf)
		if err != nil {
			break
		}
		total += n
	}
	c.Close() // want `conn is closed after a read`
}

func scannerEarly(c net.Conn) {
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		if sc.Text() == "END" {
			break
		}
	}
	c.Close() // want `conn is closed after a read`
}

func healthCheck(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close() // want `conn is closed after a read`
	status := make([]byte, 2)
	_, err = io.ReadFull(c, status)
	return err == nil && string(status) == "OK"
}

func viaHelper(c net.Conn) {
	netr.ReadHeader(c)
	c.Close() // want `conn is closed after a read`
}

func closeRead(c *net.TCPConn) {
	buf := make([]byte, 1)
	c.Read(buf)
	c.CloseRead()
	c.Close() // want `CloseRead does not prevent the RST on Linux`
}

func bannerThenCommand(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	io.WriteString(c, "220 ready\r\n")
	cmd := make([]byte, 4)
	io.ReadFull(c, cmd)
	c.Close() // want `conn is closed after a read`
}

// A request-response loop on a conn this function accepted: a server
// reads first, so its reads are requests, not replies (compare fpclasses
// pingPong).
func serveLoop(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	buf := make([]byte, 8)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			break
		}
		if buf[0] == 0xff {
			break
		}
		if _, err := c.Write(buf); err != nil {
			break
		}
	}
	c.Close() // want `conn is closed after a read \(line \d+\) that stopped before EOF`
}

// A read after a request-response loop (x/crypto ssh control_test) is no
// exchange site (compare fpclasses pingPong). When the loop runs no round, it reads a request that
// was never answered.
func readAfterExchange(c net.Conn, n int) {
	buf := make([]byte, 8)
	for i := 0; i < n; i++ {
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		c.Write(buf)
	}
	c.Read(buf[:1])
	c.Close() // want `conn is closed after a read \(line \d+\) that stopped before EOF`
}

// ---- not reported ----

func readUntilError(c net.Conn) {
	buf := make([]byte, 1024)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	c.Close()
}

func readAll(c net.Conn) {
	io.ReadAll(c)
	c.Close()
}

func copyOut(c net.Conn, w io.Writer) {
	io.Copy(w, c)
	c.Close()
}

func boundedDrain(c net.Conn) {
	buf := make([]byte, 1)
	c.Read(buf)
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(c, 1<<16))
	c.Close()
}

func scannerToEnd(c net.Conn) {
	sc := bufio.NewScanner(c)
	for sc.Scan() {
	}
	c.Close()
}

func requestReply(c net.Conn) string {
	defer c.Close()
	io.WriteString(c, "PING\r\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}

func handedOn(c net.Conn, ch chan net.Conn) {
	buf := make([]byte, 1)
	c.Read(buf)
	ch <- c
	c.Close()
}

func neverRead(c net.Conn) { c.Close() }

func concurrentReader(c net.Conn) {
	go io.Copy(io.Discard, c)
	buf := make([]byte, 1)
	c.Read(buf)
	c.Close()
}

func udp(c *net.UDPConn) {
	buf := make([]byte, 1)
	c.Read(buf)
	c.Close()
}

func pipe() {
	a, b := net.Pipe()
	go b.Write([]byte("xy"))
	buf := make([]byte, 1)
	a.Read(buf)
	a.Close()
}

// SetLinger(0) on the path: the Close is an abort on purpose, whatever
// was left unread (lingerzero judges the setting).
func abortAfterRead(c *net.TCPConn) {
	buf := make([]byte, 4)
	c.Read(buf)
	//teardown:abort the peer must see the reset
	c.SetLinger(0)
	c.Close()
}
