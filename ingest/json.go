package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The JSON reading helpers: a payload is decoded one level at a time into
// raw members, and each member is checked where it is read, so that every
// missing, null or mistyped field gets its own message with its path.

// object is a decoded JSON object: its raw members and its path in the
// payload ("" at the top, "payload", "alerts[1]"...).
type object struct {
	m    map[string]json.RawMessage
	path string
}

// at is the path of a member.
func (o object) at(name string) string {
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

func fail(field, reason string) *Error { return &Error{Field: field, Reason: reason} }

// decodeTop decodes a whole payload, which must be one JSON object.
func decodeTop(b []byte) (object, *Error) {
	if !json.Valid(b) {
		// Unmarshal says why (and where) it is not valid.
		var v any
		err := json.Unmarshal(b, &v)
		var se *json.SyntaxError
		switch {
		case err == nil: // cannot happen; keep a message anyway
			return object{}, &Error{Reason: "malformed JSON"}
		case errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end"):
			return object{}, &Error{Reason: fmt.Sprintf("malformed JSON: truncated (the input ends at byte %d inside a value)", len(b)), Err: err}
		case errors.As(err, &se):
			return object{}, &Error{Reason: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err), Err: err}
		}
		return object{}, &Error{Reason: "malformed JSON: " + err.Error(), Err: err}
	}
	return decodeObject(b, "")
}

// decodeObject decodes a raw value that must be an object.
func decodeObject(raw json.RawMessage, path string) (object, *Error) {
	if k := kind(raw); k != kindObject {
		return object{}, mismatch(path, k, kindObject)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return object{}, &Error{Field: path, Reason: err.Error(), Err: err}
	}
	return object{m: m, path: path}, nil
}

// JSON value kinds, as error messages name them.
const (
	kindObject = "an object"
	kindArray  = "an array"
	kindString = "a string"
	kindNumber = "a number"
	kindBool   = "a boolean"
	kindNull   = "null"
)

func kind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return kindNull // not produced by encoding/json for a present member
	}
	switch raw[0] {
	case '{':
		return kindObject
	case '[':
		return kindArray
	case '"':
		return kindString
	case 't', 'f':
		return kindBool
	case 'n':
		return kindNull
	}
	return kindNumber
}

func mismatch(field, got, want string) *Error {
	if got == kindNull {
		return fail(field, "is null, want "+want)
	}
	return fail(field, "is "+got+", want "+want)
}

// quote quotes an untrusted value for an error message: escaped by
// strconv.Quote (no control characters reach a terminal) and cut to 64
// runes.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 64 {
		s = string([]rune(s)[:63]) + "…"
	}
	return strconv.Quote(s)
}

// str reads a string member. A required one must be present and not blank
// (the value is returned as received, blanks and all, when it is not).
func (o object) str(name string, required bool) (string, *Error) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			return "", fail(o.at(name), "is missing")
		}
		return "", nil
	}
	if k := kind(raw); k != kindString {
		return "", mismatch(o.at(name), k, kindString)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &Error{Field: o.at(name), Reason: err.Error(), Err: err}
	}
	if required && strings.TrimSpace(s) == "" {
		return "", fail(o.at(name), "is empty")
	}
	return s, nil
}

// enum reads a required string member that must be one of want.
func (o object) enum(name string, want ...string) (string, *Error) {
	s, err := o.str(name, true)
	if err != nil {
		return "", err
	}
	for _, w := range want {
		if s == w {
			return s, nil
		}
	}
	return "", fail(o.at(name), fmt.Sprintf("is %s, want %s", quote(s), strings.Join(want, " or ")))
}

// key reads a required identity (fingerprint, dedup_key): not blank, at
// most MaxKeyLen runes.
func (o object) key(name string) (string, *Error) {
	s, err := o.str(name, true)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(s); n > MaxKeyLen {
		return "", fail(o.at(name), fmt.Sprintf("is %d characters long, over the limit of %d", n, MaxKeyLen))
	}
	return s, nil
}

// strMap reads an object of strings (labels, annotations). A required one
// must be present and not null; an optional one may be absent or null
// (what Go encoders write for an empty map): both read as empty. The map
// returned is never nil.
func (o object) strMap(name string, required bool) (map[string]string, *Error) {
	raw, ok := o.m[name]
	if !ok || (!required && kind(raw) == kindNull) {
		if required {
			return nil, fail(o.at(name), "is missing")
		}
		return map[string]string{}, nil
	}
	obj, err := decodeObject(raw, o.at(name))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(obj.m))
	for k := range obj.m {
		v, err := obj.str(k, false)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// date reads an RFC 3339 date member, converted to UTC. An absent member is
// the zero time (an error if required); a null one is an error. The
// zero date itself ("0001-01-01T00:00:00Z") is returned as the zero time:
// whether it is allowed is the caller's call.
func (o object) date(name string, required bool) (time.Time, *Error) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			return time.Time{}, fail(o.at(name), "is missing")
		}
		return time.Time{}, nil
	}
	if k := kind(raw); k != kindString {
		return time.Time{}, mismatch(o.at(name), k, "an RFC 3339 date string")
	}
	s, err := o.str(name, false)
	if err != nil {
		return time.Time{}, err
	}
	t, perr := time.Parse(time.RFC3339Nano, s)
	if perr != nil {
		return time.Time{}, &Error{Field: o.at(name), Reason: fmt.Sprintf("is %s, not an RFC 3339 date", quote(s)), Err: perr}
	}
	return t.UTC(), nil
}

// count reads an optional non-negative whole number (0 when absent).
func (o object) count(name string) (int, *Error) {
	raw, ok := o.m[name]
	if !ok {
		return 0, nil
	}
	if k := kind(raw); k != kindNumber {
		return 0, mismatch(o.at(name), k, "a whole number")
	}
	s := string(bytes.TrimSpace(raw))
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, fail(o.at(name), fmt.Sprintf("is %s, want a whole number", quote(s)))
	case n < 0:
		return 0, fail(o.at(name), fmt.Sprintf("is %d, want 0 or more", n))
	}
	return n, nil
}

// array reads a required array member.
func (o object) array(name string) ([]json.RawMessage, *Error) {
	raw, ok := o.m[name]
	if !ok {
		return nil, fail(o.at(name), "is missing")
	}
	if k := kind(raw); k != kindArray {
		return nil, mismatch(o.at(name), k, kindArray)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, &Error{Field: o.at(name), Reason: err.Error(), Err: err}
	}
	return items, nil
}

// child reads an object member; present is false when it is absent.
func (o object) child(name string) (obj object, present bool, err *Error) {
	raw, ok := o.m[name]
	if !ok {
		return object{}, false, nil
	}
	obj, err = decodeObject(raw, o.at(name))
	return obj, true, err
}

// compact is a raw JSON value as one line.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
