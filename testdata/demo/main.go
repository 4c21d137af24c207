// Command demo is a small line-protocol cache server. It builds and runs,
// and it has one connection-teardown bug of each kind teardown reports:
// the file named after each rule holds that rule's finding, and
// directives.go a stale suppression. From the repository root:
//
//	go build -o /tmp/teardown ./cmd/teardown && (cd testdata/demo && /tmp/teardown ./...)
package main

import (
	"flag"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

// Store is the cache.
type Store struct {
	mu sync.Mutex
	m  map[string]string
}

// Get returns the value of key.
func (s *Store) Get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

// Snapshot returns the cache as "key value" lines.
func (s *Store) Snapshot() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for k, v := range s.m {
		b.WriteString(k + " " + v + "\n")
	}
	return []byte(b.String())
}

const maxClients = 64

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "listen address")
	collector := flag.String("collector", "", "address to report statistics to")
	replica := flag.String("replica", "", "address of a replica to send snapshots to")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	store := &Store{m: map[string]string{"motd": "hello"}}
	if *replica != "" {
		go replicate(*replica, store)
	}
	stats := map[string]int{}
	slots := make(chan struct{}, maxClients)
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		select {
		case slots <- struct{}{}:
			go func() {
				defer func() { <-slots }()
				serve(c, store)
			}()
		default:
			go refuse(c)
		}
		stats["accepted"]++
		if *collector != "" && stats["accepted"]%100 == 0 {
			if err := report(*collector, stats); err != nil {
				log.Print(err)
			}
		}
	}
}

// replicate sends a snapshot to the replica every minute, when it is up.
func replicate(addr string, store *Store) {
	for range time.Tick(time.Minute) {
		if !probe(addr) {
			continue
		}
		if err := hello(addr); err != nil {
			log.Print(err)
			continue
		}
		if err := sendSnapshot(addr, store.Snapshot()); err != nil {
			log.Print(err)
		}
	}
}
