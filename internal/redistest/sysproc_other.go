//go:build !linux

package redistest

import "syscall"

// sysProcAttr is nil where the parent's death cannot kill the child.
func sysProcAttr() *syscall.SysProcAttr { return nil }
