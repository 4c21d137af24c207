// Package unreadclose defines an Analyzer that reports a conn closed
// after reads that stopped before the peer finished sending.
//
// # Analyzer unreadclose
//
// unreadclose: a conn closed with reads abandoned sends RST, and the peer loses what it sent and what it had not read
//
// Close with received data still unread makes the kernel send RST instead
// of FIN, always (48/48 measured runs). The peer gets ECONNRESET instead of
// EOF and loses whatever it had not yet read. CloseRead does not help: on
// Linux shutdown(SHUT_RD) discards nothing. See docs/rules/unreadclose.md.
package unreadclose

import "github.com/teardownlint/teardown/internal/lint"

var doc = &lint.Doc{
	Name:     "unreadclose",
	Title:    "a conn closed with reads abandoned sends RST, and the peer loses what it sent and what it had not read",
	Severity: lint.Error,
	Since:    "the first release (none is tagged yet)",
	Why: "The trigger for an abortive close is exact: `close()` with unread bytes in the socket's receive queue. Linux then sends RST instead of FIN, the peer's next read fails with `ECONNRESET` instead of returning EOF, and whatever the peer had received but not read is discarded by its kernel. A function that reads part of what the peer sends (a header, a line, one message) and then closes creates exactly that state whenever the peer sent more.\n\n" +
		"Measured on Linux over loopback (ground truth, experiments 1, 3 and 5): `Close()` with unread data sent RST in 48/48 runs across all variants; reading the pending bytes first gave FIN/FIN and a clean EOF in 14/14. `CloseRead()` (`shutdown(SHUT_RD)`) discarded nothing: the 10,240 unread bytes were still queued after it, and the following `Close()` sent RST, 5/5. The folklore that a read-side shutdown avoids the reset is false on Linux; only reading the data does.",
	Before: `func handle(c net.Conn) {
	defer c.Close()
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	if string(hdr) != "PING" {
		return // the rest of the request is unread: RST
	}
}`,
	After: `func handle(c net.Conn) {
	defer func() {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 256<<10))
		c.Close()
	}()
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	if string(hdr) != "PING" {
		return
	}
}`,
	Fix:     "Before the Close, a 5 s read deadline and a bounded drain `io.Copy(io.Discard, io.LimitReader(c, 256<<10))` (net/http drains up to 256 KiB before closing), with imports added; their errors are discarded explicitly (`_ =`), as errcheck accepts. The drain reads the conn itself even when a `bufio.Reader` sits on top: the kernel's queue is what triggers the RST. No fix drains a conn that another goroutine of the function reads.",
	Justify: "`//teardown:ignore unreadclose <reason>` on the Close's line (or the defer's) or the line above, for a protocol where the peer provably sends nothing more. A directive without a reason is reported and suppresses nothing.",
	Flags:   "`-unreadclose.framed` (default false): also report a conn closed after reading a reply to a request this function wrote (a request/response client), or after the read of a request-response loop. The peer usually sends nothing more after a complete framed reply, but the code cannot prove it.",
	NotReport: "- a read loop that runs until the read fails (EOF or otherwise), `io.ReadAll`, `io.Copy(w, c)`, a bounded drain before Close;\n" +
		"- a conn written after its last read (that is writeclose, whose fix also drains);\n" +
		"- by default, a reply read after this function wrote a request, unless the conn came from Accept here (a server's greeting is no request; see the flag), or the read keeps a bounded prefix of the reply: `io.ReadAll(io.LimitReader(c, 512))`, `io.Copy(w, io.LimitReader(c, 4096))` with a constant limit, which the code keeps knowing the peer may send more (a probe of a streamed response: reported, `TestSocketProbe`), or a reply a helper rejected (the helper only read, and returned an error of its own after reads that succeeded: a malformed frame, a length out of range; reported, `TestSocketRejected`); a limit that is not a constant reads a frame whose length the protocol announced, and a `LimitReader` copied into `io.Discard` is a bounded drain;\n" +
		"- by default, the same for the read site of a request-response loop (read, write, read again), also on the round where it reads first: in a lock-step exchange the peer waits for the answer, so nothing is unread (`TestSocketExchangeLoop`);\n" +
		"- a conn on a path where it escapes (returned, stored, sent, handed to code teardown cannot see), a conn never read in this function, or one read by another goroutine;\n" +
		"- by default, a read of a conn field of the package's own object (`s.conn`): the request it answers may have been written by another method;\n" +
		"- a deliberate abort: a path on which the function returns because its context is done (`ctx.Done()`, a server told to shut down), or a proxy stops waiting because a copy failed;\n" +
		"- a path that set SO_LINGER to {on, 0} (`SetLinger(0)`): its Close is an abort whatever was left unread, and a drain would only delay the reset the code asks for (lingerzero judges the setting; writeclose does the same);\n" +
		"- UDP, IP and unixgram sockets, `net.Pipe`, and conns from a function that only returns in-memory streams (a helper returning a `net.Pipe` end, an in-memory listener's `Dial` or `Accept`, a multiplexed stream such as yamux's `Open`, a pipe end kept in a map of the package's), or conns of the package's own types over something that is not a stream socket (a TUN device's file, a datagram socket).",
	Evidence: "[the ground truth](../ground-truth.md), experiments 1, 3 and 5. Reproduced by `passes/unreadclose/socket_test.go` against a real peer on 127.0.0.1; `TestSocketProbe` there runs a probe that keeps 64 bytes of a 100,000-byte reply the peer is still sending: it resets the peer (ECONNRESET), and its fix does not (EOF).",
}
