package golangcitest

import (
	"bufio"
	"net"
)

// nolinted is reported by unflushedclose; golangci-lint drops the finding
// because of the nolint comment naming the linter (go vet would report it).
func nolinted(c net.Conn) {
	w := bufio.NewWriter(c)
	w.WriteString("bye\n")
	c.Close() //nolint:teardown // the test wants a suppressed finding
}

// ignored is reported by unflushedclose; teardown's own ignore directive
// suppresses it in every driver.
func ignored(c net.Conn) {
	w := bufio.NewWriter(c)
	w.WriteString("bye\n")
	//teardown:ignore unflushedclose the test wants a suppressed finding
	c.Close()
}
