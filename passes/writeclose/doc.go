// Package writeclose defines an Analyzer that reports connections closed
// after writes without a half-close and a drain.
//
// # Analyzer writeclose
//
// writeclose: a conn closed after writes without CloseWrite and a drain can reset and lose what was written
//
// Write returning n only means the bytes were copied into the kernel's
// send buffer. If, when Close runs, the socket holds unread received data
// or data arrives afterwards, the kernel answers with RST, and the peer's
// kernel discards what it had received but not yet handed over. The
// reliable end is CloseWrite (FIN), read until EOF under a deadline (the
// drain), then Close. See docs/rules/writeclose.md.
package writeclose

import "github.com/teardownlint/teardown/internal/lint"

var doc = &lint.Doc{
	Name:     "writeclose",
	Title:    "a conn closed after writes without CloseWrite and a drain can reset and lose what was written",
	Severity: lint.Error,
	Since:    "the first release (none is tagged yet)",
	Why: "`Write` returning n only means the bytes were copied into the kernel's send buffer. If the socket still holds unread received data when `Close` runs, or data arrives after it, the kernel sends RST instead of FIN, and the peer's kernel throws away everything it had received but its application had not yet read. The peer sees `ECONNRESET` instead of EOF, and the tail of what was written is gone, although every `Write` succeeded.\n\n" +
		"Measured on Linux over loopback (ground truth, experiment 1): the peer sent a 9-byte greeting that stayed unread; A wrote 1,000,000 bytes and called Close. The wire showed RST and no FIN; the peer got `ECONNRESET` in 14/14 runs, and with the peer reading 200 ms late it received exactly 128,000 bytes and lost 872,000 in 7/7 runs: precisely the bytes A's kernel had not yet sent. Closing while the peer is still sending destroys the unsent output the same way (experiment 6c). With CloseWrite, a drain to EOF and then Close (experiment 2), the peer received all 1,000,000 bytes and EOF in 14/14 runs, with FIN/FIN on the wire and no RST.\n\n" +
		"The rule reports a Close that some path reaches after a write on the same conn when, after the last write on that path, the function neither (a) half-closed with CloseWrite and then drained (io.Copy(io.Discard, c), io.ReadAll, a read loop that ends only on the read's error, a bounded drain, or a helper known to do one), nor (b) read from the conn: to EOF or an error (the peer has finished), or a reply (the peer has consumed the request). In a proxy, where goroutines started by the function copy into the conn, the Close is fine only when the function has waited for every goroutine that uses the conn and one of them read it to EOF: once every copy has finished, each source has reached EOF or failed, so the Close loses nothing whether or not the copies half-closed. A wait is matched to the goroutines it waits for: a `WaitGroup.Wait` or `errgroup.Group.Wait` for those that mark the group done (or were launched by its `Go`); receives on a channel for the goroutines that send on it or close it on every path (a closure, a named function or a method, given the channel as an argument or capture, directly, through `sync.Once`, or through a helper), as separate statements or in a counted loop `for i := 0; i < N; i++`; a receive from a small goroutine that waits for a WaitGroup and then closes a channel. A path on which the function stops waiting because a copy failed (a non-nil error received from a copy's channel, or from errgroup's Wait) or the context is done (`ctx.Done()`) is a deliberate abort and is not judged; the clean path is.",
	Before: `func reply(c net.Conn, resp []byte) error {
	defer c.Close() // the request may still be unread: RST
	_, err := c.Write(resp)
	return err
}`,
	After: `func reply(c net.Conn, resp []byte) error {
	defer func() {
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 256<<10))
		c.Close()
	}()
	_, err := c.Write(resp)
	return err
}`,
	Fix:       "Before the Close: CloseWrite (through the static type, or an `interface{ CloseWrite() error }` assertion; for a `*tls.Conn` both the TLS layer and the TCP conn under it, since `tls.Conn.CloseWrite` sends no FIN), a 5 s read deadline, and a bounded drain `io.Copy(io.Discard, io.LimitReader(c, 256<<10))` (net/http's limit), then the Close. The errors of these steps are discarded explicitly (`_ = cw.CloseWrite()`), as errcheck accepts: when one fails there is nothing left to do but the Close, whose error stays the caller's. `defer c.Close()` becomes a deferred closure doing the same. Imports are added as needed. When another goroutine of the function reads the conn, the fix only half-closes: draining there would race with that reader. With `-writeclose.helper=example.com/netx.CloseGracefully` the fix calls your own helper (`func(net.Conn) error`, doing the whole sequence) instead, in place of the Close call. The helper fix is offered only where it provably builds and closes: an exported, non-generic function of signature `func(T) error` (the conn assignable to T) in a package that the file's package is, or imports directly or through its dependencies (not a main package, not another tree's `internal/`), nameable at the Close (its package name not taken there), and not the function being fixed; otherwise the finding comes without a fix. A proxy gets no automatic fix: no local edit can make it wait for both of its copies, so the message says what to change (CloseWrite each destination when its copy ends; Close after every copy has finished). Nor does the conn field of an object whose read loop (a goroutine the package starts on the object, which only reads the conn) reads it at any time: the message says to CloseWrite, let the reading goroutine reach EOF, then Close.",
	Justify:   "`//teardown:ignore writeclose <reason>` on the Close's line (or the defer's) or the line above, for a protocol where the peer provably sends nothing after the last write. A directive without a reason is reported and suppresses nothing.",
	Flags:     "`-writeclose.helper=IMPORTPATH.Func`: the graceful-close helper the suggested fix calls instead of inlining the sequence. Its signature must be `func(net.Conn) error`.",
	NotReport: "- a conn on a path where it escapes: returned, stored in a field, global, map or slice, sent on a channel, captured by a closure that outlives the call, or passed to code teardown cannot see (a Close on another path is judged with that path's history);\n- the path on which the write itself failed (the conn is broken);\n- a path on which the conn cannot be half-closed (an assertion to a CloseWrite interface failed) or its CloseWrite failed: nothing better than Close is possible there;\n- a deliberate abort: a path on which the function returns because its context is done (`ctx.Done()`: a server loop told to shut down, a cancelled proxy), or a proxy stops waiting for its copies because one failed (a non-nil error received from a copy's channel, or from errgroup's Wait);\n- a conn read to EOF, or from which a reply was read, after the last write;\n- a conn read to EOF before the last write (the peer had finished sending: nothing can arrive to turn Close into RST);\n- UDP, IP and unixgram sockets, `net.Pipe`, and conns from a function that only returns in-memory streams (a helper returning a `net.Pipe` end, an in-memory listener's `Dial` or `Accept`, a multiplexed stream such as yamux's `Open`, a pipe end kept in a map of the package's) or conns of the package's own types over something that is not a stream socket (a TUN device's file, a datagram socket), which have no TCP teardown;\n- functions that only close;\n- a conn field of an object that a goroutine started by the package may own: it does more than read and close the conn (writes, half-closes, stores a new conn into the field, hands it or the object to code teardown cannot see); a goroutine that only closes it (a watcher that aborts the conn when its context is done) owns nothing: its Close is a deliberate abort, and the conn is judged as if no goroutine used the object; and the function that allocates the object has it alone until it hands it on (the go statement, or any call that takes it), so its paths before that are judged; in the function that starts a read loop on the object; and on a path that half-closed a read loop's conn after the last write (the reader drains what follows);\n- a one-way stream: a conn this function opened (a Dial or another call, not Accept) and never reads, not even through a helper or a goroutine: the peer sends nothing back, so nothing can turn Close into RST;\n- code generic over the conn type (a type parameter is not a conn);\n- a conn whose fd was duplicated with `File()` (Close does not end the connection then).",
	Evidence:  "[the ground truth](../ground-truth.md), experiments 1, 2, 3, 6 and 9. Reproduced by `passes/writeclose/socket_test.go` against a real peer on 127.0.0.1, on the reported testdata code and on its suggested fix.",
}
