// Package connflow is teardown's connection model: for each function of a
// package that touches a connection, which values are one connection,
// who owns it, what happens to it on every path, and what a helper does
// to the connections it is given. The rules (passes/writeclose, ...)
// judge that model; they never walk SSA themselves.
//
// # Analyzer connflow
//
// connflow: teardown's connection model; reports only functions and
// connections left unanalyzed because a budget was hit
//
// The analyzer's Result is the model of the package (Funcs, Lingers,
// Budget, Config). It exports four facts: a Summary of what a function
// does to its conn-like parameters, InMemory for a function that only
// makes in-memory conns, Signals for a function that signals a channel
// or WaitGroup parameter on every path, and LingerParams for a function
// whose parameter reaches a linger setting. It builds SSA only for the functions that can
// touch a connection, so it never forces SSA onto every dependency.
//
// # How a function is modelled
//
// Each file decides one thing, and opens with a comment that says what:
//
//   - types.go: what a connection is, by its type (IsConn, IsConnLike).
//   - ops.go: the catalogue of operations, as data: which calls read,
//     write, half-close, close or wrap a connection.
//   - event.go: the vocabulary of events (Kind, Event), histories and
//     paths, and the queries the rules ask of them.
//   - conn.go: a function's conns (Func, Conn), their Origin and
//     ownership.
//   - builder.go: the order of the three steps below.
//   - identity.go: step 1, which SSA values are one conn (union-find), and
//     where each conn comes from; aliases.go, which parameters of a helper
//     every caller passes as one conn; refine.go, which io-typed
//     parameters every call passes a stream conn to; ownwrappers.go, the
//     project's own wrapper constructors (the Wraps fact).
//   - conns.go: one Conn per class of values; fields.go and objects.go,
//     the conns that objects of the package's struct types own, and how
//     their methods' effects on them reach the caller; wrapfields.go,
//     the fields that hold a wrapper (a bufio.Writer, say) over the
//     object's conn field, and so are that conn; ownbuffers.go, the
//     package's own buffered writer types, and nestedwriters.go, the
//     fields of an object held in a field that hold another field of the
//     holder (a framer over the server's writer); localobjects.go, the
//     conns a function stores into an object it allocates, which holds
//     them (the store hands nothing on), and results.go, what a return
//     gives back when the results go through variables (a function with
//     defers); freshobjects.go, the package's fresh constructors, whose
//     results a caller treats like an object it allocated; goroles.go
//     and gouses.go, what the goroutines the package starts do to the
//     conns of the objects they are handed (a read loop only reads them:
//     they are judged, as read concurrently; any other use keeps them
//     unjudged).
//   - record.go, calls.go, closures.go, goroutines.go, edges.go: step 2,
//     the events each instruction causes. A call's uses are decided in
//     calls.go in a stated order; a conn operand no rule accounts for
//     escapes, by construction. fieldfuncs.go: which function a call
//     through a func-valued field calls; callbacks.go, the closures over
//     a conn that the package's closure makers return and the callback
//     fields that hold them; ifaces.go, which implementations a call
//     through the package's own closed interface may reach.
//   - signals.go, joins.go, aborts.go: how a goroutine tells that it has
//     finished (the Signals fact), which goroutines each receive or Wait
//     has certainly waited for, and where the function stops waiting on
//     purpose.
//   - flow.go: step 3, a bounded forward dataflow that finds the histories
//     reaching every event, in the same order on every run; states.go,
//     when two paths' states are one; feasible.go, which branches a path
//     can take given what it learnt on the way.
//   - summary.go: a function's Summary, the fact through which its callers
//     see into it.
//   - inmemory.go, collections.go: in-memory producers (also of conns
//     loaded from a collection of the package's) and the InMemory fact.
//   - linger.go: SO_LINGER settings and the values they set;
//     lingercalls.go and lingerfields.go, values that reach them through
//     a helper's parameter or a field (the LingerParams fact).
//   - select.go, program.go: which functions get SSA, and the SSA program
//     shared by the passes of one load; objmethods.go, which functions
//     that only take an object holding a conn-like field get it.
//   - budget.go: where a budget cost a verdict, reported as a note.
//   - analyzer.go: the analyzer, its Config, and the order in which a
//     package is modelled.
//
// docs/design.md explains the model and its decisions.
package connflow
