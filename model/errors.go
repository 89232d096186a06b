package model

import "errors"

// Domain errors. The store maps driver errors onto these; the UI and the CLI
// show them to the user.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrConflict = errors.New("conflict")
)
