package lint

import (
	"sort"
	"sync"

	"github.com/teardownlint/teardown/internal/directive"
)

var registry = struct {
	sync.Mutex
	rules map[string]*Doc
}{rules: map[string]*Doc{}}

// register makes a rule's documentation known by its name: to directives
// (which rules an ignore may name, which verbs exist), `teardown help`
// and docs/.
func register(d *Doc) {
	registry.Lock()
	defer registry.Unlock()
	registry.rules[d.Name] = d
	verb := ""
	if d.Verb != nil {
		verb = d.Verb.Name
	}
	directive.Register(d.Name, verb)
}

// RuleNames returns the registered rule names, sorted.
func RuleNames() []string {
	registry.Lock()
	defer registry.Unlock()
	var names []string
	for n := range registry.rules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rule returns the documentation of a registered rule, or nil.
func Rule(name string) *Doc {
	registry.Lock()
	defer registry.Unlock()
	return registry.rules[name]
}
