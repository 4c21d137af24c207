//go:build !linux

package main

import "io/fs"

// stampOf returns what a file's stat says about its contents: its size,
// modification time and mode.
func stampOf(fi fs.FileInfo) fileStamp {
	return fileStamp{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
}
