package connflow

// PanicOn makes the analyzer panic while modelling the named function, to
// test that a panic becomes an error naming the analyzer and the function.
func PanicOn(name string) func() {
	old := panicOn
	panicOn = name
	return func() { panicOn = old }
}
