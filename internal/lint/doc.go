// Package lint is the shared frame of teardown's rules: rule metadata as
// data (one source for `teardown help RULE`, Analyzer.Doc and docs/), the
// one reporting path (which honours //teardown:ignore directives), and
// the recovery that turns a panic into an error naming the rule and the
// function.
package lint
