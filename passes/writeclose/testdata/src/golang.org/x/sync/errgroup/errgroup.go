// Package errgroup is a stand-in for golang.org/x/sync/errgroup with the
// same API surface that teardown knows (Go, Wait, WithContext).
package errgroup

import (
	"context"
	"sync"
)

// A Group is a collection of goroutines working on one task.
type Group struct {
	wg     sync.WaitGroup
	once   sync.Once
	err    error
	cancel func()
}

// WithContext returns a new Group and a context cancelled when a
// function it runs fails.
func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{cancel: cancel}, ctx
}

// Go runs f in a new goroutine.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel()
				}
			})
		}
	}()
}

// Wait waits for every function and returns the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel()
	}
	return g.err
}
