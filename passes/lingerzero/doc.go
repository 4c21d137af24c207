// Package lingerzero defines an Analyzer that reports SO_LINGER set to
// {on, 0 seconds} without a stated reason.
//
// # Analyzer lingerzero
//
// lingerzero: SetLinger(0) or SO_LINGER {1, 0} makes Close send RST and discard unsent data
//
// With a zero linger time, every Close of the connection is an abort: the
// kernel sends RST instead of FIN, throws away whatever it has not yet
// sent, skips TIME_WAIT, and the peer's next read fails with ECONNRESET.
// Measured on Linux over loopback (docs/rules/lingerzero.md): RST in 28/28
// runs; with the peer reading 200 ms late it got 128,000 of 1,000,000
// bytes, every time.
//
// A call is reported when its argument is proven to be 0 (a constant, a
// named constant, or any value SSA proves constant), whatever the static
// type of the receiver (a conn, an anonymous interface, a type parameter
// constrained by SetLinger), and a raw SetsockoptLinger when its Linger
// struct is proven {Onoff != 0, Linger: 0}. A 0 handed to a helper whose
// parameter (or a field of one) reaches SetLinger is reported at the call
// that hands it. The report is silenced by a
// written justification: a //teardown:abort <reason> directive, or an
// ordinary comment directly above the call that says why (see
// docs/rules/lingerzero.md for the exact definition).
package lingerzero

import "github.com/teardownlint/teardown/internal/lint"

var doc = &lint.Doc{
	Name:     "lingerzero",
	Title:    "SetLinger(0) or SO_LINGER {1, 0} makes Close send RST and discard unsent data",
	Severity: lint.Error,
	Since:    "the first release (none is tagged yet)",
	Why: `With SO_LINGER on and a zero timeout, Close is an abort: the kernel sends RST instead of FIN, discards everything it has not yet sent, and skips TIME_WAIT. The peer's next read fails with ECONNRESET, and the data it had received but not yet read is gone too.

Measured on Linux over loopback (ground truth, experiment 4): after writing 1,000,000 bytes, SetLinger(0) then Close sent RST in 28/28 runs and the peer saw ECONNRESET in 28/28. With the peer reading 200 ms late it received exactly 128,000 bytes and lost 872,000, in 14/14 runs; A's socket never entered TIME_WAIT. This held even when A had read everything the peer sent (4b), so the abort comes from the linger setting alone.

An abortive close is sometimes what the program wants (a health probe that must not leave TIME_WAIT behind, a proxy forwarding a reset). Then say so, and the rule is satisfied.

The value is judged where it is chosen. A helper whose parameter (or a field of a parameter, the receiver's say) reaches its SetLinger or SO_LINGER, directly, in a closure, or through another such helper, is judged at each call that supplies a proven 0: ` + "`setLinger(c, 0)`" + ` is reported at that call, as ` + "`SetLinger(0) through setLinger`" + `. A field counts when a composite literal (` + "`&options{linger: 0}`" + `) or a constructor of the package sets it to a constant.`,
	Before: `func send(c *net.TCPConn, msg []byte) error {
	c.SetLinger(0)
	if _, err := c.Write(msg); err != nil {
		return err
	}
	return c.Close() // RST: unsent bytes are discarded
}`,
	After: `func send(c *net.TCPConn, msg []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	return c.Close() // FIN: the kernel keeps sending
}`,
	Fix: "Remove the call (the whole statement, including an `if err := c.SetLinger(0); err != nil { ... }` wrapper), so Close sends FIN again. When the call's result is used (`return c.SetLinger(0)`), or removing the statement would leave a variable or import unused, the fix instead turns the setting into the default: `SetLinger(-1)`, or `Onoff: 0` in a SO_LINGER literal. When no edit provably compiles, the finding comes without a fix, and so does a 0 set through a helper (the helper's parameter may serve other purposes).\n\n" +
		"Where the code resets on purpose, the fix keeps the call and states why instead: it inserts `//teardown:abort deliberate reset: <evidence>` on the line above the statement, so the code still does what it was written to do and the reason is in the diff for review. The evidence, looked for from the call outwards: the condition (or init) of an enclosing `if` whose body or else holds the call, or the expressions of the enclosing `case`, name a reset (an identifier, type or string with the word reset, abort, abortive or RST, split at case changes and underscores: `case *ResetToxic`, `if mode == \"reset_peer\"`, `if o.AbortOnClose`; not `preset`); the declared function holding the call, or its receiver type, is so named (`resetPeer`, `(*ResetToxic).Pipe`); or that function refers to `ECONNRESET` or `ECONNABORTED` of syscall or golang.org/x/sys/unix (it expects the reset, as a test of a client's error handling does). " +
		"This was decided on the deliberate resets known to the evaluation: the one lingerzero finding of the corpus, fasthttp's `TestRevertPull1233` (a test server that resets so that the client sees `ECONNRESET`; found with `-connflow.tests`), and toxiproxy's `reset_peer` toxic (`link.go`, `if _, ok := toxic.Toxic.(*toxics.ResetToxic); ok { ... SetLinger(0) ... }`), whose three reset tests failed after the removal and pass after the directive. Without such evidence the removal is offered as before; if your code resets on purpose without saying so in its names, write the reason yourself.",
	Justify: "A finding is silenced by a written reason, either\n\n" +
		"- the directive `//teardown:abort <reason>` on the call's line or the line above, or\n" +
		"- an ordinary comment directly above the call that says why: it must contain a reason word (because, since, so, avoid, prevent, instead, intentional, deliberate, purpose, abort, reset, RST, TIME_WAIT, probe, health, required, must, need, otherwise) and at least three words that do not merely restate the call (set, linger, SO_LINGER, 0, zero, socket, conn, option, ...). `// health probe: reset so no TIME_WAIT piles up` counts; `// set linger 0` and `// force RST` do not.\n\n" +
		"For a 0 set through a helper, the reason may also be written once in the helper, and then covers every call: the directive or the comment above the helper's SetLinger, or the helper's doc comment (`// abortive resets c on Close: a probe must not leave TIME_WAIT behind`).\n\n" +
		"`//teardown:ignore lingerzero <reason>` suppresses the finding like any other. A directive without a reason is reported and suppresses nothing.",
	NotReport: "- `SetLinger(-1)` (the default) and `SetLinger(n)` with n > 0 (that is lingerblock);\n" +
		"- a value not proven to be 0 (a helper's parameter is judged at the calls that supply it);\n" +
		"- SO_LINGER with `Onoff: 0`, and `GetsockoptLinger`;\n" +
		"- a call with a written justification.",
	Verb:     &lint.Verb{Name: "abort", Justifies: "SetLinger(0) or SO_LINGER {1, 0}"},
	Evidence: "[the ground truth](../ground-truth.md), experiment 4 and 4b. Reproduced by `passes/lingerzero/socket_test.go`, which runs the reported testdata function and its suggested fix against a real peer on 127.0.0.1.",
}
