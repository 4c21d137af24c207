package golangcitest

import (
	"bufio"
	"net"
)

// send closes under an unflushed bufio.Writer: unflushedclose. The
// suggested fix inserts w.Flush() before the Close (scripts/golangci/test.sh
// checks that --fix applies it).
func send(c net.Conn, lines []string) {
	w := bufio.NewWriter(c)
	for _, l := range lines {
		w.WriteString(l + "\n")
	}
	c.Close()
}
