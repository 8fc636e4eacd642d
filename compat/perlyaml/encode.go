package perlyaml

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/dancergo/dancergo/compat/perl"
)

// valueKey is YAML.pm's "default value" key (YAML::VALUE), written "=": the
// key under which a !!perl/ref mapping holds its referent.
const valueKey = "\x07YAML\x07VALUE\x07"

// Marshal returns the YAML document YAML.pm's Dump writes for v (see the
// package documentation for how Go values map to Perl values).
func Marshal(v any) ([]byte, error) {
	b, _, err := marshal(v)
	return b, err
}

// marshal is Marshal that also reports whether it departed from YAML.pm's
// own output (see the package documentation), for the tests.
func marshal(v any) (b []byte, departed bool, err error) {
	e := encoderPool.Get().(*encoder)
	defer e.release()
	if err := e.document(v); err != nil {
		return nil, false, err
	}
	return slices.Clone(e.buf), e.departed, nil
}

var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

// encoder holds the scratch space of one Marshal call; it is pooled.
type encoder struct {
	buf   []byte
	pairs []keyValue // a stack of entries, one run per open mapping
	order []int32    // the same runs, sorted by key: indexes into pairs
	// refs counts, by identity, the references met by prewalk (searched
	// in order while few, through index beyond); shared is how many occur
	// more than once (and so get an anchor).
	refs   []refEntry
	table  []int32 // open addressing over refs: index+1, 0 when free
	shared int
	anchor int
	// departed records that a string was written differently from YAML.pm
	// so that YAML.pm reads it back.
	departed bool
}

// refID identifies a reference: a map's or slice's storage, or a pointer.
// n tells slices of one array apart (and is -1 for other kinds).
type refID struct {
	p unsafe.Pointer
	n int
}

type refEntry struct {
	id       refID
	count    int32
	anchor   int32
	visiting bool
}

// indexAbove is how many references are searched in order before the
// encoder builds an index.
const indexAbove = 16

func (e *encoder) release() {
	if cap(e.buf) > 64<<10 || cap(e.refs) > 4096 {
		*e = encoder{} // do not pin huge buffers in the pool
	}
	e.buf = e.buf[:0]
	clear(e.pairs[:cap(e.pairs)])
	e.pairs = e.pairs[:0]
	e.order = e.order[:0]
	e.forget()
	e.anchor, e.departed = 0, false
	encoderPool.Put(e)
}

func (e *encoder) forget() {
	clear(e.refs[:cap(e.refs)])
	e.refs = e.refs[:0]
	clear(e.table)
	e.table = e.table[:0]
	e.shared = 0
}

// lookup returns the entry of a reference, or nil.
func (e *encoder) lookup(id refID) *refEntry {
	if len(e.table) == 0 {
		for i := range e.refs {
			if e.refs[i].id == id {
				return &e.refs[i]
			}
		}
		return nil
	}
	mask := len(e.table) - 1
	for h := hashRef(id) & mask; ; h = (h + 1) & mask {
		i := e.table[h]
		if i == 0 {
			return nil
		}
		if e.refs[i-1].id == id {
			return &e.refs[i-1]
		}
	}
}

// add records a new reference.
func (e *encoder) add(id refID) {
	e.refs = append(e.refs, refEntry{id: id, count: 1, visiting: true})
	switch n := len(e.refs); {
	case n <= indexAbove:
	case 2*n > len(e.table): // (re)build the table at a load of at most 1/4
		size := 64
		for size < 4*n {
			size *= 2
		}
		if cap(e.table) >= size {
			e.table = e.table[:size]
			clear(e.table)
		} else {
			e.table = make([]int32, size)
		}
		for i := range e.refs {
			e.insert(i)
		}
	default:
		e.insert(n - 1)
	}
}

func (e *encoder) insert(i int) {
	mask := len(e.table) - 1
	h := hashRef(e.refs[i].id) & mask
	for e.table[h] != 0 {
		h = (h + 1) & mask
	}
	e.table[h] = int32(i + 1)
}

func hashRef(id refID) int {
	x := uint64(uintptr(id.p)) ^ uint64(id.n)<<32
	return int((x * 0x9e3779b97f4a7c15) >> 40)
}

// errNormalize tells document that v holds Go values outside the model.
var errNormalize = errors.New("perlyaml: value needs perl.Normalize")

func (e *encoder) document(v any) error {
	err := e.prewalk(v, 0)
	if errors.Is(err, errNormalize) {
		if v, err = perl.Normalize(v); err != nil {
			return fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		e.forget()
		err = e.prewalk(v, 0)
	}
	if err != nil {
		return err
	}
	e.buf = append(e.buf, "---"...)
	return e.node(v, -2, false)
}

// prewalk checks v and counts its references, as YAML::Dumper::_prewalk
// does, so that a shared one is written with an anchor. It finds cycles and
// values outside the model.
func (e *encoder) prewalk(v any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrUnsupported, MaxDepth)
	}
	switch x := v.(type) {
	case nil, string, int64, float64, bool:
		return nil
	case map[string]any:
		if len(x) == 0 {
			return nil // every nil map has one address; Perl writes {} either way
		}
		id := refID{reflect.ValueOf(x).UnsafePointer(), -1}
		if again, err := e.enter(id); again || err != nil {
			return err
		}
		for _, val := range x {
			if err := e.prewalk(val, depth+1); err != nil {
				return err
			}
		}
		e.leave(id)
	case []any:
		if len(x) == 0 {
			return nil // no identity to go by; Perl writes [] either way
		}
		id := refID{unsafe.Pointer(unsafe.SliceData(x)), len(x)}
		if again, err := e.enter(id); again || err != nil {
			return err
		}
		for _, val := range x {
			if err := e.prewalk(val, depth+1); err != nil {
				return err
			}
		}
		e.leave(id)
	case *perl.Object:
		if x == nil {
			return nil
		}
		if !validClass(x.Class) {
			return fmt.Errorf("%w: class name %q (YAML.pm reads back only \\w+(::\\w+)*)", ErrUnsupported, x.Class)
		}
		id := refID{unsafe.Pointer(x), -1}
		if again, err := e.enter(id); again || err != nil {
			return err
		}
		// The object is the blessed container itself: walk the container's
		// contents, not the container as a reference of its own.
		switch inner := x.Value.(type) {
		case map[string]any:
			for _, val := range inner {
				if err := e.prewalk(val, depth+1); err != nil {
					return err
				}
			}
		case []any:
			for _, val := range inner {
				if err := e.prewalk(val, depth+1); err != nil {
					return err
				}
			}
		case *perl.Ref:
			if inner == nil {
				return fmt.Errorf("%w: object of class %s blesses a nil *perl.Ref", ErrUnsupported, x.Class)
			}
			if err := e.prewalk(inner.Value, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: object of class %s blesses %T; Perl blesses only references (use a map, a slice or a *perl.Ref)",
				ErrUnsupported, x.Class, x.Value)
		}
		e.leave(id)
	case *perl.Ref:
		if x == nil {
			return nil
		}
		id := refID{unsafe.Pointer(x), -1}
		if again, err := e.enter(id); again || err != nil {
			return err
		}
		if err := e.prewalk(x.Value, depth+1); err != nil {
			return err
		}
		e.leave(id)
	default:
		return errNormalize
	}
	return nil
}

// enter records one more occurrence of a reference. again is true when it
// was met before (its contents are walked only once); meeting one that is
// still being walked is a cycle.
func (e *encoder) enter(id refID) (again bool, err error) {
	if r := e.lookup(id); r != nil {
		if r.visiting {
			return true, fmt.Errorf("%w: the value contains itself (a cycle)", ErrUnsupported)
		}
		if r.count == 1 {
			e.shared++
		}
		r.count++
		return true, nil
	}
	e.add(id)
	return false, nil
}

func (e *encoder) leave(id refID) {
	e.lookup(id).visiting = false
}

// anchorOrAlias writes " &N" the first time a shared reference is written
// and " *N\n" the next times; alias reports that the node is complete.
func (e *encoder) anchorOrAlias(id refID) (anchored, alias bool) {
	r := e.lookup(id)
	if r == nil || r.count < 2 {
		return false, false
	}
	if r.anchor > 0 {
		e.buf = append(e.buf, " *"...)
		e.buf = strconv.AppendInt(e.buf, int64(r.anchor), 10)
		e.buf = append(e.buf, '\n')
		return true, true
	}
	e.anchor++
	r.anchor = int32(e.anchor)
	e.buf = append(e.buf, " &"...)
	e.buf = strconv.AppendInt(e.buf, int64(r.anchor), 10)
	return true, false
}

// node writes v after a "---", "key:" or "-" already written, as
// YAML::Dumper::_emit_node does. off is the column of the enclosing
// collection's keys or dashes (-2 for the document); inSeq is true when v
// is an entry of a sequence.
func (e *encoder) node(v any, off int, inSeq bool) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, " ~\n"...)
	case string:
		return e.value(x, off, inSeq)
	case int64:
		e.buf = append(e.buf, ' ')
		e.buf = strconv.AppendInt(e.buf, x, 10)
		e.buf = append(e.buf, '\n')
	case float64:
		e.buf = append(e.buf, ' ')
		e.buf = perl.AppendNumber(e.buf, x)
		e.buf = append(e.buf, '\n')
	case bool:
		if x {
			e.buf = append(e.buf, " 1\n"...)
		} else {
			e.buf = append(e.buf, " ''\n"...)
		}
	case map[string]any:
		anchored := false
		if e.shared > 0 && len(x) > 0 {
			var alias bool
			if anchored, alias = e.anchorOrAlias(refID{reflect.ValueOf(x).UnsafePointer(), -1}); alias {
				return nil
			}
		}
		return e.mapping(x, "", "", off, inSeq && !anchored)
	case []any:
		if e.shared > 0 && len(x) > 0 {
			if _, alias := e.anchorOrAlias(refID{unsafe.Pointer(unsafe.SliceData(x)), len(x)}); alias {
				return nil
			}
		}
		return e.sequence(x, "", "", off)
	case *perl.Object:
		if x == nil {
			e.buf = append(e.buf, " ~\n"...)
			return nil
		}
		if e.shared > 0 {
			if _, alias := e.anchorOrAlias(refID{unsafe.Pointer(x), -1}); alias {
				return nil
			}
		}
		switch inner := x.Value.(type) {
		case map[string]any:
			return e.mapping(inner, "!!perl/hash:", x.Class, off, false)
		case []any:
			return e.sequence(inner, "!!perl/array:", x.Class, off)
		case *perl.Ref:
			if inner.Value == nil {
				// YAML.pm writes "!!perl/scalar:C ~" but reads that back
				// as a reference to the string "~"; this form it reads as
				// a reference to undef.
				e.departed = true
				return e.ref("!!perl/ref:", x.Class, nil, off)
			}
			if isReference(inner.Value) {
				return e.ref("!!perl/ref:", x.Class, inner.Value, off)
			}
			e.buf = append(e.buf, " !!perl/scalar:"...)
			e.buf = append(e.buf, x.Class...)
			return e.node(inner.Value, off, false)
		}
		return fmt.Errorf("%w: object of class %s blesses %T", ErrUnsupported, x.Class, x.Value)
	case *perl.Ref:
		if x == nil {
			e.buf = append(e.buf, " ~\n"...)
			return nil
		}
		if e.shared > 0 {
			if _, alias := e.anchorOrAlias(refID{unsafe.Pointer(x), -1}); alias {
				return nil
			}
		}
		return e.ref("!!perl/ref", "", x.Value, off)
	default:
		return fmt.Errorf("%w: %T", ErrUnsupported, v) // prewalk lets none through
	}
	return nil
}

// isReference reports whether v is a Perl reference in the model (so that a
// reference to it is a REF, written !!perl/ref, not a SCALAR).
func isReference(v any) bool {
	switch x := v.(type) {
	case map[string]any, []any:
		return true
	case *perl.Object:
		return x != nil
	case *perl.Ref:
		return x != nil
	}
	return false
}

// mapping writes a hash: " !tag" when blessed, then " {}" when empty, else
// the keys in Perl's sort order at off+2. compact puts the first key on the
// current line, after "- ".
func (e *encoder) mapping(m map[string]any, tag, class string, off int, compact bool) error {
	if tag != "" {
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, tag...)
		e.buf = append(e.buf, class...)
	}
	if len(m) == 0 {
		e.buf = append(e.buf, " {}\n"...)
		return nil
	}
	if compact {
		e.buf = append(e.buf, ' ')
	} else {
		e.buf = append(e.buf, '\n')
	}
	// The entries go on a stack shared with the nested mappings; they are
	// sorted through an index, which moves no pointers.
	base := len(e.pairs)
	for k, v := range m {
		e.pairs = append(e.pairs, keyValue{k, v})
	}
	ibase := len(e.order)
	for i := range len(m) {
		e.order = append(e.order, int32(base+i))
	}
	order := e.order[ibase:]
	slices.SortFunc(order, func(a, b int32) int {
		ka, kb := e.pairs[a].key, e.pairs[b].key
		switch { // YAML.pm writes "=" last
		case ka == valueKey:
			return 1
		case kb == valueKey:
			return -1
		}
		return strings.Compare(ka, kb)
	})
	child := off + 2
	for i := range order {
		p := e.pairs[e.order[ibase+i]] // both stacks may grow (and move) below
		if compact && i == 0 {
			if err := e.key(p.key, child, true); err != nil {
				return err
			}
		} else {
			e.buf = appendSpaces(e.buf, child)
			if err := e.key(p.key, child, false); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ':')
		if err := e.node(p.value, child, false); err != nil {
			return err
		}
	}
	clear(e.pairs[base:])
	e.pairs = e.pairs[:base]
	e.order = e.order[:ibase]
	return nil
}

// sequence writes an array: " !tag" when blessed, then " []" when empty,
// else its entries as "- " lines at off+2.
func (e *encoder) sequence(s []any, tag, class string, off int) error {
	if tag != "" {
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, tag...)
		e.buf = append(e.buf, class...)
	}
	if len(s) == 0 {
		e.buf = append(e.buf, " []\n"...)
		return nil
	}
	e.buf = append(e.buf, '\n')
	child := off + 2
	for _, v := range s {
		e.buf = appendSpaces(e.buf, child)
		e.buf = append(e.buf, '-')
		if err := e.node(v, child, true); err != nil {
			return err
		}
	}
	return nil
}

// ref writes a reference to a scalar or to a reference: a mapping tagged
// tag+class whose one key "=" holds the referent.
func (e *encoder) ref(tag, class string, referent any, off int) error {
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, tag...)
	e.buf = append(e.buf, class...)
	e.buf = append(e.buf, '\n')
	e.buf = appendSpaces(e.buf, off+2)
	e.buf = append(e.buf, "=:"...)
	return e.node(referent, off+2, false)
}

// value writes a string in value position: " " + the scalar + "\n".
func (e *encoder) value(s string, off int, inSeq bool) error {
	st, ok := chooseStyle(s)
	if !ok {
		return fmt.Errorf("%w: string %q is not valid UTF-8", ErrUnsupported, s)
	}
	if st == styleBlock && off < 0 && startsWithSpace(s) {
		// A document that is a block scalar with an indentation indicator
		// does not load back in YAML.pm (it counts the indicator from
		// column -1).
		st = styleDouble
		e.departed = true
	}
	e.buf = append(e.buf, ' ')
	switch st {
	case stylePlain:
		e.buf = append(e.buf, s...)
	case styleSingle:
		e.buf = appendSingle(e.buf, s)
	case styleDouble:
		x22 := inSeq && seqEntryNeedsX22(s)
		e.departed = e.departed || x22
		e.buf = appendDouble(e.buf, s, x22)
	case styleBlock:
		e.buf = appendBlock(e.buf, s, off+2)
		return nil
	}
	e.buf = append(e.buf, '\n')
	return nil
}

// key writes a mapping key (the caller writes the ":" after it); off is the
// column of the keys. compactFirst is true for the first key of a compact
// "- key: value" mapping.
func (e *encoder) key(k string, off int, compactFirst bool) error {
	if k == valueKey {
		e.buf = append(e.buf, '=')
		return nil
	}
	st, ok := chooseStyle(k)
	if !ok {
		return fmt.Errorf("%w: key %q is not valid UTF-8", ErrUnsupported, k)
	}
	switch st {
	case stylePlain:
		if compactFirst && k[0] == ':' || looksLikeValueKey(k) {
			e.departed = true
			e.buf = appendSingle(e.buf, k)
		} else {
			e.buf = append(e.buf, k...)
		}
	case styleSingle:
		e.buf = appendSingle(e.buf, k)
	case styleDouble:
		x22 := compactFirst && compactKeyNeedsX22(k)
		e.departed = e.departed || x22
		e.buf = appendDouble(e.buf, k, x22)
	case styleBlock:
		e.buf = append(e.buf, "? "...)
		e.buf = appendBlock(e.buf, k, off+2)
	}
	return nil
}

// validClass reports whether YAML.pm's loader re-blesses into class: it
// must match \w(\w|::)* (Perl's Unicode \w).
func validClass(class string) bool {
	if class == "" {
		return false
	}
	for i := 0; i < len(class); {
		if class[i] == ':' {
			if i == 0 || i+1 >= len(class) || class[i+1] != ':' {
				return false
			}
			i += 2
			continue
		}
		if c := class[i]; c < utf8.RuneSelf {
			if !isWordRune(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(class[i:])
		if !isWordRune(r) || r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// isWordRune is Perl's \w: alphanumerics, marks, connector punctuation and
// the joiners.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) ||
		unicode.IsMark(r) || unicode.Is(unicode.Pc, r) || r == 0x200c || r == 0x200d
}
