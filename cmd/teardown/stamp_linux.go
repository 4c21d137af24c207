package main

import (
	"io/fs"
	"syscall"
)

// stampOf returns what a file's stat says about its contents. On Linux
// that includes the inode (an editor that saves by renaming a new file
// over the old) and the change time, which no tool sets back (tar and
// rsync -t restore the modification time).
func stampOf(fi fs.FileInfo) fileStamp {
	s := fileStamp{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.Ctime = st.Ctim.Nano()
		s.Ino = st.Ino
	}
	return s
}
