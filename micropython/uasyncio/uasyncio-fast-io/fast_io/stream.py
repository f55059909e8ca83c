# fast_io: streams, open_connection, start_server
# MIT license

from errno import EAGAIN as _EAGAIN

from . import core

# A socket's own readline() reads one byte per call (on the unix port a system call each: 20
# for a 20-byte line). The stream of a connection made by open_connection() or start_server(),
# on a port whose sockets can peek (socket.MSG_PEEK), looks at what the socket holds, up to
# _PEEK bytes, then takes the line alone: two calls a line, and the bytes after it stay in the
# socket, as with the built-in (closing it with unread bytes still resets the connection).
# Partial lines are kept as the built-in keeps them. A TLS socket reads as before.
_PEEK = const(256)

try:
    from socket import MSG_PEEK as _MSG_PEEK
    from socket import socket as _socket
except ImportError:
    _socket = None  # A port without sockets, or whose recv() cannot peek


class Stream:
    # Stream(s, extra): asyncio's form, extra being the get_extra_info() dict. 2019's
    # StreamReader(polls, ios) form has the poller watch polls while the I/O goes to ios (a
    # wrapper, such as an SSL socket, that cannot be polled itself).
    peek = False  # readline() peeks at the socket: set by _stream() for a connection

    def __init__(self, s, e=None):
        self.p = s  # What the poller watches
        if e is not None and not isinstance(e, dict):
            s = e
            e = None
        self.s = s  # What is read and written
        self.e = {} if e is None else e
        self.out_buf = b""
        self.ri = None  # The readinto() awaitable, made on first use

    def get_extra_info(self, v, *default):
        return self.e.get(v, *default) if default else self.e[v]

    def close(self):
        pass

    async def wait_closed(self):
        if core._io is not None:
            core._io.forget(self.p)
        self.s.close()

    # async
    def read(self, n=-1):
        s = self.s
        got = b""
        while True:
            yield (core._io or core._io_queue()).queue_read(self.p)
            chunk = s.read(n)
            if chunk is None:
                continue  # woken, but no data yet
            if n >= 0:
                return chunk
            if not len(chunk):
                return got  # read-all ends at EOF
            got += chunk

    # async: the awaitable is made once per stream, so reading into a buffer allocates nothing
    def readinto(self, buf, n=0):
        r = self.ri
        if r is None:
            r = self.ri = _ReadInto()
            r.st = self
        r.buf = buf
        r.waited = False
        r.n = n
        return r

    # async
    def readexactly(self, n):
        s = self.s
        got = b""
        left = n
        while left:
            yield (core._io or core._io_queue()).queue_read(self.p)
            chunk = s.read(left)
            if chunk is None:
                continue
            if not len(chunk):
                raise EOFError  # the peer closed before n bytes came
            got += chunk
            left -= len(chunk)
        return got

    # async
    def readline(self):
        s = self.s
        line = b""
        while True:
            yield (core._io or core._io_queue()).queue_read(self.p)
            if self.peek:
                # A connection (see _stream()): the line alone, in two calls
                try:
                    part = s.recv(_PEEK, _MSG_PEEK)
                except OSError as er:
                    if er.errno != _EAGAIN:
                        raise er
                    continue  # woken, but no data yet
                if part:
                    part = s.recv(part.find(b"\n") + 1 or len(part))
            else:
                part = s.readline()  # returns what is buffered, never waits
                if part is None:
                    continue
            # Most lines come whole: then no copy is made
            line = line + part if line else part
            # An empty part is EOF; 10 is the newline byte.
            if not part or line[-1] == 10:
                return line

    def write(self, buf):
        if self.out_buf:
            self.out_buf += buf  # queue behind the unsent bytes, keeping the order
            return
        sent = self.s.write(buf)  # the socket may take it all now: then no copy is kept
        if sent == len(buf):
            return
        if sent is not None:
            buf = buf[sent:]
        self.out_buf += buf

    # async
    def drain(self):
        pending = self.out_buf
        if not pending:
            # Yield even with nothing to send, so a write()+drain() loop lets other tasks run.
            return (yield from core.sleep_ms(0))
        s = self.s
        mv = memoryview(pending)
        done = 0
        while done < len(mv):
            yield (core._io or core._io_queue()).queue_write(self.p)
            sent = s.write(mv[done:])
            if sent is not None:
                done += sent
        self.out_buf = b""

    # The 2019 API

    async def awrite(self, buf, off=0, sz=-1):
        if off != 0 or sz != -1:
            end = len(buf) if sz == -1 else off + sz
            buf = memoryview(buf)[off:end]
        self.write(buf)
        await self.drain()

    awritestr = awrite

    async def awriteiter(self, chunks):
        for buf in chunks:
            await self.awrite(buf)

    aclose = wait_closed


# readinto()'s results: StopIteration instances kept for reuse, so returning a count allocates
# nothing
_stops = {}


class _ReadInto:
    # Its stream (st) and the request are set by Stream.readinto()
    waited = False  # The stream was found readable: read at the next step

    __iter__ = core._self
    send = core._send

    def __next__(self):
        # Wait until the stream is readable, then read what is there (a None read waits again).
        if self.waited:
            self.waited = False
            buf = self.buf
            self.buf = None
            s = self.st.s
            r = s.readinto(buf, self.n) if self.n else s.readinto(buf)
            if r is not None:
                e = _stops.get(r)
                if e is None:
                    e = StopIteration(r)
                    if len(_stops) < 64:
                        _stops[r] = e
                e.__traceback__ = None
                raise e
            self.buf = buf
        self.waited = True
        return (core._io or core._io_queue()).queue_read(self.st.p)

    def throw(self, er):
        self.waited = False
        self.buf = None
        raise er


# asyncio's reader and writer are one object here
StreamReader = Stream
StreamWriter = Stream


def _stream(sock, e=None):
    # The stream of a connection: readline() peeks on a plain socket (not a TLS one)
    st = Stream(sock, e)
    if type(sock) is _socket:
        st.peek = True
    return st


# async: returns (reader, writer) once the connect has completed (socket writable).
# Name resolution (getaddrinfo) can still block: MicroPython has no async resolver.
def open_connection(host, port, ssl=None, server_hostname=None):
    import socket
    from errno import EINPROGRESS

    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    sock = socket.socket(ai[0], ai[1], ai[2])
    sock.setblocking(False)
    try:
        sock.connect(ai[-1])
    except OSError as er:
        if er.errno != EINPROGRESS:  # "in progress" is the normal non-blocking answer
            raise er
    if ssl:
        if ssl is True:  # a default client context
            from ssl import PROTOCOL_TLS_CLIENT, SSLContext

            ssl = SSLContext(PROTOCOL_TLS_CLIENT)
        sock = ssl.wrap_socket(
            sock, server_hostname=server_hostname or host, do_handshake_on_connect=False
        )
        sock.setblocking(False)
    st = _stream(sock)
    yield (core._io or core._io_queue()).queue_write(sock)
    return st, st


class Server:
    # What start_server() returns; "async with" closes it on exit.
    _closing = False
    task = None  # The accept loop, set by start_server()

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.close()
        await self.wait_closed()

    def close(self):
        self._closing = True
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    async def _accept_loop(self, sock, cb, ssl):
        while True:
            try:
                yield (core._io or core._io_queue()).queue_read(sock)
            except core.CancelledError as er:
                sock.close()
                if self._closing:
                    return  # close() asked for it: end quietly
                raise er  # cancelled from outside (e.g. with its parent): pass it on
            try:
                conn, peer = sock.accept()
            except Exception:
                continue  # the client may already be gone; keep listening
            if ssl:
                try:
                    conn = ssl.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
                except OSError as e:
                    core.sys.print_exception(e)  # one failed handshake must not stop the server
                    conn.close()
                    continue
            conn.setblocking(False)
            st = _stream(conn, {"peername": peer})
            core.create_task(cb(st, st))


# Listens on host:port; cb(reader, writer) runs as a new task per client.
async def start_server(cb, host, port, backlog=5, ssl=None):
    import socket

    ai = socket.getaddrinfo(host, port)[0]
    sock = socket.socket(ai[0])
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(ai[-1])
    sock.listen(backlog)
    srv = Server()
    srv.task = core.create_task(srv._accept_loop(sock, cb, ssl))
    # One pass of the loop starts the accept task, so a later cancel lands in its handler.
    try:
        await core.sleep_ms(0)
    except core.CancelledError as er:
        srv.task.cancel()  # srv never reached the caller: nobody else could stop the task
        raise er
    return srv
