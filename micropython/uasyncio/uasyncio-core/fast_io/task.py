# fast_io: the timer heap in Python, for firmware without the C _asyncio module
# MIT license
#
# A binary min-heap of nodes keyed by ticks (compared with ticks_diff, so it stays right
# across the ticks wrap); equal keys leave in the order they came, as in the C TaskQueue.

from .core import ticks_diff  # the loop's timebase (bound before core imports this module)


class Node:
    def __init__(self, coro):
        self.data = coro  # What the node stands for (the Task)
        self.ph_key = 0  # Wake time
        self.seq = 0  # Order of arrival, for equal keys
        self.idx = -1  # Position in the heap


class Heap:
    def __init__(self):
        # The nodes in a[:n]. The list keeps its length: one that shrinks on pop() reallocates,
        # which fails with the heap locked.
        self.a = []
        self.n = 0
        self.seq = 0

    def _lt(self, x, y):
        d = ticks_diff(x.ph_key, y.ph_key)
        return d < 0 or (d == 0 and x.seq - y.seq < 0)

    def _up(self, i):
        a = self.a
        n = a[i]
        while i:
            p = (i - 1) >> 1
            if not self._lt(n, a[p]):
                break
            a[i] = a[p]
            a[i].idx = i
            i = p
        a[i] = n
        n.idx = i

    def _down(self, i):
        a = self.a
        size = self.n
        n = a[i]
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and self._lt(a[c + 1], a[c]):
                c += 1
            if not self._lt(a[c], n):
                break
            a[i] = a[c]
            a[i].idx = i
            i = c
        a[i] = n
        n.idx = i

    def peek(self):
        return self.a[0] if self.n else None

    def push(self, n, key):
        n.ph_key = key
        self.seq += 1
        n.seq = self.seq
        i = self.n
        if i < len(self.a):
            self.a[i] = n
        else:
            self.a.append(n)
        self.n = i + 1
        self._up(i)

    def pop(self):
        n = self.a[0]
        self.remove(n)
        return n

    def remove(self, n):
        a = self.a
        i = n.idx
        self.n -= 1
        last = a[self.n]
        a[self.n] = None
        n.idx = -1
        if last is not n:
            a[i] = last
            last.idx = i
            self._up(i)
            self._down(last.idx)
