// Package lingerblock defines an Analyzer that reports SO_LINGER set to a
// positive timeout.
//
// # Analyzer lingerblock
//
// lingerblock: SetLinger(n > 0) makes Close block up to n seconds and delivers nothing a plain Close would not
//
// On Linux, a positive linger time turns Go's Close into a syscall that
// blocks until the send queue drains or n seconds pass, even though Go's
// sockets are non-blocking. When the time runs out Close returns nil and
// the kernel goes on sending exactly as after a plain Close. Measured:
// SetLinger(5) with a stalled peer blocked Close for 5.1 s
// (docs/rules/lingerblock.md).
package lingerblock

import "github.com/teardownlint/teardown/internal/lint"

var doc = &lint.Doc{
	Name:     "lingerblock",
	Title:    "SetLinger(n > 0) makes Close block up to n seconds and delivers nothing a plain Close would not",
	Severity: lint.Warning,
	Since:    "the first release (none is tagged yet)",
	Why: `A positive SO_LINGER is often added in the belief that it makes Close wait until the peer has the data. On Linux it does not deliver anything more: Close blocks until the send queue is empty or the timeout passes, and then returns nil while the kernel keeps sending, exactly as it would after a plain Close. What it does add is a Close that blocks the goroutine (and, in Go, an OS thread) for up to n seconds, even on Go's non-blocking sockets, as the SetLinger documentation warns.

Measured on Linux over loopback (ground truth, experiment 8), with a peer that did not read and 3.8 MB queued: Close took 5,064/5,148/5,203 ms (min/median/max) with SetLinger(5), 1,002/1,018/1,025 ms with SetLinger(1), and 0.03 ms with the default. In every run the socket was still in FIN_WAIT1 when Close returned, and once the peer read it received all 3,919,467 bytes and EOF, in every variant: the wait bought nothing. Real projects removed SO_LINGER for this reason (cilium/proxy: Close blocked for 10 s).

To make sure the peer got the data, use the graceful close: CloseWrite, read until EOF under a deadline, then Close (see writeclose).

The value is judged where it is chosen. A helper whose parameter (or a field of a parameter, the receiver's say) reaches its SetLinger or SO_LINGER is judged at each call that supplies a proven positive value: ` + "`setLinger(c, 5)`" + ` is reported at that call, as ` + "`SetLinger(5) through setLinger`" + `. A field counts when a composite literal or a constructor of the package sets it to a constant.`,
	Before: `func configure(c *net.TCPConn) error {
	return c.SetLinger(5) // Close now blocks for up to 5 s
}`,
	After: `func configure(c *net.TCPConn) error {
	return c.SetLinger(-1) // the default: Close returns at once
}`,
	Fix:       "Remove the call (the whole statement, including an `if err := ...; err != nil { ... }` wrapper). When removing it would leave a variable or import unused, or the call's result is used, the fix turns it into the default instead: `SetLinger(-1)`, or `Onoff: 0` in a SO_LINGER literal. A value set through a helper (below) gets no fix: the helper's parameter may serve other purposes.",
	Justify:   "`//teardown:ignore lingerblock <reason>` on the call's line or the line above. A directive without a reason is reported and suppresses nothing.",
	NotReport: "- `SetLinger(-1)` and `SetLinger(0)` (that is lingerzero);\n- a value not proven positive (a helper's parameter is judged at the calls that supply it);\n- SO_LINGER with `Onoff: 0`, and `GetsockoptLinger`.",
	Evidence:  "[the ground truth](../ground-truth.md), experiment 8. Reproduced by `passes/lingerblock/socket_test.go`, which measures Close's duration for the reported testdata function and for its suggested fix against a real peer on 127.0.0.1.",
}
