// Package directives is the directives analyzer's testdata.
//
// Layout: a directive's expectation is a want comment with a +2 line
// offset, followed by a blank line. Directly above the directive it would join the
// directive's comment group, and lingerzero would read the want text as
// the comment above the call (a possible justification).
//
// A trailing "reported by RULE" comment marks a call that the rule
// itself reports; directives_test.go checks those against the rules'
// diagnostics, which analysistest does not check when it runs only the
// directives analyzer.
package directives

import "net"

// Malformed directives. They are reported, and suppress nothing.

func missingReason(c *net.TCPConn) {
	// want +2 `malformed teardown directive: missing the required reason`

	//teardown:ignore lingerzero
	c.SetLinger(0) // reported by lingerzero
}

func missingReasonAbort(c *net.TCPConn) {
	// want +2 `malformed teardown directive: missing the required reason`

	//teardown:abort
	c.SetLinger(0) // reported by lingerzero
}

func unknownRule(c *net.TCPConn) {
	// want +2 `malformed teardown directive: unknown rule "lingerzer0" \(known: .*\blingerzero\b.*\)`

	//teardown:ignore lingerzer0 the peer expects a reset
	c.SetLinger(0) // reported by lingerzero
}

func unknownRuleInList(c *net.TCPConn) {
	// want +2 `unknown rule "nosuchrule"`

	//teardown:ignore lingerzero,nosuchrule the peer expects a reset
	c.SetLinger(0) // reported by lingerzero
}

func unknownVerb(c *net.TCPConn) {
	// want +2 `malformed teardown directive: unknown verb "suppress" \(want ignore or abort\)`

	//teardown:suppress lingerblock the peer is slow
	c.SetLinger(5) // reported by lingerblock
}

func missingVerb(c *net.TCPConn) {
	// want +2 `malformed teardown directive: missing verb`

	//teardown:
	c.SetLinger(5) // reported by lingerblock
}

func missingRules(c *net.TCPConn) {
	// want +2 `malformed teardown directive: //teardown:ignore needs the rules to ignore and a reason`

	//teardown:ignore
	c.SetLinger(5) // reported by lingerblock
}

// Well-formed directives that match nothing.

func ignoreNothing(c *net.TCPConn) {
	// want +2 `this //teardown:ignore directive suppresses no lingerzero finding; remove it`

	//teardown:ignore lingerzero the peer expects a reset
	c.Close()
}

func ignoreWrongRule(c *net.TCPConn) {
	// want +2 `suppresses no lingerblock finding`

	//teardown:ignore lingerblock the peer expects a reset
	c.SetLinger(0) // reported by lingerzero
}

// One of the two rules matches: the other is stale.
func ignorePartlyStale(c *net.TCPConn) {
	// want +2 `suppresses no lingerzero finding`

	//teardown:ignore lingerzero,lingerblock the peer drains slowly, measured in staging
	c.SetLinger(5)
}

func abortNothing(c *net.TCPConn) {
	// want +2 `this //teardown:abort directive justifies no SetLinger\(0\) or SO_LINGER \{1, 0\}; remove it`

	//teardown:abort health probe: a reset leaves no TIME_WAIT behind
	c.SetLinger(-1)
}

// abort is about linger 0; it justifies no positive linger.
func abortOnPositive(c *net.TCPConn) {
	// want +2 `justifies no SetLinger\(0\)`

	//teardown:abort health probe: a reset leaves no TIME_WAIT behind
	c.SetLinger(5) // reported by lingerblock
}

// Two lines above the call is too far.
func abortTooFar(c *net.TCPConn) {
	// want +2 `justifies no SetLinger\(0\)`

	//teardown:abort health probe: a reset leaves no TIME_WAIT behind

	c.SetLinger(0) // reported by lingerzero
}

// The abort justifies the call, so lingerzero never reaches the ignore:
// the ignore is redundant.
func abortAndIgnore(c *net.TCPConn) {
	// want +2 `suppresses no lingerzero finding`

	//teardown:ignore lingerzero the probe must not leave TIME_WAIT behind
	c.SetLinger(0) //teardown:abort health probe: a reset leaves no TIME_WAIT behind
}

// Well-formed directives that match: no diagnostic.

func ignoreAbove(c *net.TCPConn) {
	//teardown:ignore lingerzero the peer is a test double that expects a reset
	c.SetLinger(0)
}

func ignoreSameLine(c *net.TCPConn) {
	c.SetLinger(5) //teardown:ignore lingerblock the shutdown waits on purpose, measured
}

// A trailing directive covers its own line only: the lingerblock part
// suppresses nothing, and the next line's finding stands.
func ignoreBoth(c *net.TCPConn) {
	c.SetLinger(0) //teardown:ignore lingerzero,lingerblock legacy peer: both settings are deliberate // want `suppresses no lingerblock finding`
	c.SetLinger(5) // reported by lingerblock
}

func abortAbove(c *net.TCPConn) {
	//teardown:abort health probe: a reset leaves no TIME_WAIT behind
	c.SetLinger(0)
}

func abortSameLine(c *net.TCPConn) {
	c.SetLinger(0) //teardown:abort forwarding the upstream's reset to the client
}

func abortDeferred(c *net.TCPConn) {
	//teardown:abort the load balancer probe must not leave TIME_WAIT sockets
	defer c.SetLinger(0)
	c.Close()
}

// Not directives: no diagnostic, whatever they say.

func notDirectives(c *net.TCPConn) {
	// teardown:ignore lingerzero (a space after // makes it prose)
	//nolint:teardown
	c.SetLinger(-1)
}

// A budget directive that suppresses no budget note (the function is far
// within every budget) is reported too.

func staleBudget(c *net.TCPConn) {
	// want +2 `this //teardown:ignore directive suppresses no budget finding; remove it`

	//teardown:ignore budget this function is generated and too big to model
	c.Close()
}
