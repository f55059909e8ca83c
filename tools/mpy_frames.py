"""Frame sizes of the functions in a .mpy file (format 6), as the VM will see them.

    python tools/mpy_frames.py FILE.mpy [...]

MicroPython runs a function call's frame (locals, value stack, exception handlers) on the C
stack only while it fits in 11 machine words (``VM_MAX_STATE_ON_STACK``); a bigger frame is
taken from the heap at each call and freed at its return. That is an allocation in the
steady state, and on a fragmented heap a long search for free blocks: the scheduler's hot
functions must stay within the limit. A frame takes n_state words, plus 3 words per
exception handler (``mp_exc_stack_t``); a generator's frame lives in the generator object,
made once per call anyway.

Prints one line per function: ``name n_state exc words``, then ``HEAP`` when a call takes its
frame from the heap, or ``generator``. Names of the firmware's own qstrs (``__next__``...)
show as ``<static qstr N>``.
"""

import sys

STACK_WORDS = 11  # VM_MAX_STATE_ON_STACK, in words of the machine
EXC_WORDS = 3  # an mp_exc_stack_t


class _Reader:
    def __init__(self, data, at=0):
        self.data = data
        self.at = at

    def byte(self):
        b = self.data[self.at]
        self.at += 1
        return b

    def uint(self):
        # MicroPython's variable-length unsigned integer: 7 bits a byte, high bit "more"
        value = 0
        while True:
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value


def _skip_object(r):
    kind = r.byte()
    if kind <= 4:  # the function table, None, False, True, Ellipsis
        return
    if kind == 10:  # a tuple of objects
        for _ in range(r.uint()):
            _skip_object(r)
        return
    size = r.uint()
    r.at += size + (1 if kind in (5, 6) else 0)  # str and bytes end with a NUL


def _signature(r):
    # The prelude signature of a bytecode function: n_state, n_exc_stack and whether it is a
    # generator (the rest is not needed here). Bits as in py/bc.h,
    # MP_BC_PRELUDE_SIG_DECODE_INTO: xSSSSEAA, then xFSSKAED while the high bit is set.
    z = r.byte()
    n_state = (z >> 3) & 0xF
    n_exc = (z >> 2) & 0x1
    flags = 0
    n = 0
    while z & 0x80:
        z = r.byte()
        n_state |= (z & 0x30) << (2 * n)
        n_exc |= (z & 0x02) << n
        flags |= ((z & 0x40) >> 6) << n
        n += 1
    return n_state + 1, n_exc, bool(flags & 1)  # scope flag 1: a generator


class Frame:
    def __init__(self, name, n_state, n_exc, generator):
        self.name = name
        self.n_state = n_state
        self.n_exc = n_exc
        self.generator = generator

    @property
    def words(self):
        return self.n_state + EXC_WORDS * self.n_exc

    @property
    def on_heap(self):
        # A call takes the frame from the heap (a generator's is in its object already)
        return not self.generator and self.words > STACK_WORDS


def frames(data):
    """A Frame for each bytecode function of the .mpy bytes ``data``, in file order."""
    if data[:2] != b"M\x06":
        raise ValueError("not a .mpy file of format 6")
    r = _Reader(data, 4)
    n_qstr = r.uint()
    n_obj = r.uint()
    names = []
    for _ in range(n_qstr):
        size = r.uint()
        if size & 1:
            names.append("<static qstr %d>" % (size >> 1))
        else:
            size >>= 1
            names.append(data[r.at : r.at + size].decode())
            r.at += size + 1
    for _ in range(n_obj):
        _skip_object(r)
    out = []

    def raw_code():
        kind_len = r.uint()
        kind, children, size = kind_len & 3, (kind_len >> 2) & 1, kind_len >> 3
        start = r.at
        if kind == 0:  # bytecode
            n_state, n_exc, generator = _signature(r)
            r.uint()  # the prelude's size (same continuation bit)
            name = r.uint()  # the function's name, a qstr of the file
            out.append(Frame(names[name], n_state, n_exc, generator))
        r.at = start + size
        if kind == 0 and children:
            for _ in range(r.uint()):
                raw_code()

    raw_code()
    return out


def main(paths):
    for path in paths:
        with open(path, "rb") as f:
            for fr in frames(f.read()):
                kind = " generator" if fr.generator else ("  HEAP" if fr.on_heap else "")
                print(f"{path}:{fr.name} {fr.n_state} {fr.n_exc} {fr.words}{kind}")


if __name__ == "__main__":
    main(sys.argv[1:])
