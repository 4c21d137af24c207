// Package shared: a session whose conn a goroutine of the package also
// writes (its write loop) is not owned by any one method, so writeclose
// and unreadclose do not judge its Closes. What a method itself buffered
// and never flushed before its Close is lost whatever the goroutine
// does, so unflushedclose judges those conns (connflow's FromShared).
package shared

import (
	"bufio"
	"net"
)

// Session keeps a buffered writer over its conn; its write loop writes
// replies through the same writer.
type Session struct {
	conn    net.Conn
	bw      *bufio.Writer
	replies chan string
	hook    func(*Session)
}

// Start makes a Session and starts its write loop.
func Start(c net.Conn) *Session {
	s := &Session{conn: c, bw: bufio.NewWriter(c), replies: make(chan string)}
	go s.writeLoop()
	return s
}

// writeLoop writes each reply and flushes it.
func (s *Session) writeLoop() {
	for r := range s.replies {
		s.bw.WriteString(r)
		s.bw.Flush()
	}
}

// Reject buffers a refusal and closes: the refusal never reaches the
// socket.
func (s *Session) Reject() error {
	s.bw.WriteString("-ERR busy\r\n")
	return s.conn.Close() // want `conn is closed while a buffered write \(line 40\) is unflushed`
}

// Goodbye flushes its goodbye before the Close.
func (s *Session) Goodbye() error {
	s.bw.WriteString("+BYE\r\n")
	s.bw.Flush()
	return s.conn.Close()
}

// flush flushes the session's writer.
func (s *Session) flush() error { return s.bw.Flush() }

// Quit flushes through a method of its own before the Close.
func (s *Session) Quit() error {
	s.bw.WriteString("+QUIT\r\n")
	s.flush()
	return s.conn.Close()
}

// Handoff gives the session to a hook the model cannot see, which may
// flush it, before the Close.
func (s *Session) Handoff() error {
	s.bw.WriteString("+MOVED\r\n")
	s.hook(s)
	return s.conn.Close()
}

// Drop closes without having buffered anything itself: what the write
// loop buffered is the loop's to flush.
func (s *Session) Drop() error {
	return s.conn.Close()
}
