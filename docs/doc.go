// Package docs holds teardown's documentation. The rule pages under
// docs/rules are generated from the rules' metadata (passes/<rule>/doc.go)
// by ./gen; run `go generate ./docs` after changing a rule's lint.Doc.
package docs

//go:generate go run ./gen
