package lint

import "github.com/teardownlint/teardown/internal/source"

// ReadFile returns the content of a file of the package: through the
// driver's Pass.ReadFile, or from disk when the driver leaves it nil
// (rules_go's nogo does). It shadows the field of the embedded
// analysis.Pass, so that no rule or fix calls that field unchecked.
func (p *Pass) ReadFile(filename string) ([]byte, error) {
	return source.ReadFile(p.Pass, filename)
}
