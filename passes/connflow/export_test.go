package connflow

// PanicOn makes the analyzer panic while modelling the named function, to
// test that a panic becomes an error naming the analyzer and the function.
func PanicOn(name string) func() {
	old := panicOn
	panicOn = name
	return func() { panicOn = old }
}

// ForgetPrograms drops the shared SSA programs, as if a new load began:
// a benchmark that analyzes the same packages again measures the shared
// path, not the program of its own that a second analysis of a package
// gets.
func ForgetPrograms() {
	shared.Lock()
	shared.progs = nil
	shared.Unlock()
}

// SetMaxShare sets the default suite's Config.MaxShare (which drivers set
// through connflow.New) and returns the function that restores it.
func SetMaxShare(n int) func() {
	old := defaultConfig.MaxShare
	defaultConfig.MaxShare = n
	return func() { defaultConfig.MaxShare = old }
}

// Bounded is bounded, for TestBounded.
var Bounded = bounded
