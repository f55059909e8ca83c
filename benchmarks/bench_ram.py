# RAM after import: gc.mem_alloc() grown by importing the loop, measured in a fresh child
# process, bare and after touching every name of today's asyncio API (the built-in loads some
# parts lazily on first use), then after a first wait on I/O (a ThreadSafeFlag: the built-in
# holds its I/O queue in its core, fast_io loads its own on the first wait), then (fast_io
# only, "nan" on the built-in) after also touching the low-priority API, which costs nothing
# until used.
#
# On the built-in run this measures the firmware's frozen asyncio: frozen bytecode stays in
# ROM, so that figure is a floor, lower than the same sources loaded from .mpy files. On the
# fast_io run, the installed fast_io sources are compiled here with mpy-cross into a temporary
# folder and imported from there as .mpy files, as a board with fast_io in /lib would.
import asyncio
import os
import sys
import time

API = (
    "run create_task Task current_task sleep sleep_ms wait_for wait_for_ms gather Event Lock "
    "ThreadSafeFlag StreamReader StreamWriter open_connection start_server get_event_loop "
    "new_event_loop Loop CancelledError TimeoutError"
)

MEASURE = """
import gc
gc.collect()
before = gc.mem_alloc()
import {module} as loop
gc.collect()
bare = gc.mem_alloc() - before
for name in "{api}".split():
    getattr(loop, name)
gc.collect()
full = gc.mem_alloc() - before
flag = loop.ThreadSafeFlag()


async def setter():
    await loop.sleep_ms(1)
    flag.set()


async def main():
    loop.create_task(setter())
    await flag.wait()


loop.run(main())
del flag, setter, main
gc.collect()
io = gc.mem_alloc() - before
lp = float("nan")
if hasattr(loop, "after_ms"):
    loop.get_event_loop().max_overdue_ms()
    gc.collect()
    lp = gc.mem_alloc() - before
with open("{out}", "w") as f:
    f.write("%d %d %d %f" % (bare, full, io, lp))
"""


def sh(cmd):
    if os.system(cmd):
        raise OSError("failed: " + cmd)


def measure(tmp, module, path):
    out = tmp + "/ram.txt"
    with open(tmp + "/measure.py", "w") as f:
        f.write(MEASURE.format(module=module, api=API, out=out))
    sh("MICROPYPATH=%s %s %s/measure.py" % (path, sys.executable, tmp))
    with open(out) as f:
        return [float(v) for v in f.read().split()]


def compile_package(src, dst):
    # Compiled as the index compiles them: each source named by its path on the board (-s),
    # which is kept in RAM as the module's file name.
    sh("mkdir -p " + dst)
    bindir = sys.executable.rsplit("/", 1)[0]
    for name in os.listdir(src):
        if name.endswith(".py"):
            cmd = "%s/mpy-cross -s fast_io/%s -o %s/%s.mpy %s/%s"
            sh(cmd % (bindir, name, dst, name[:-3], src, name))


tmp = "/tmp/bench_ram_%d_%d" % (time.time(), time.ticks_us())
sh("mkdir -p " + tmp)
try:
    if asyncio.__name__ == "fast_io":
        compile_package(asyncio.__path__, tmp + "/lib/fast_io")
        bare, full, io, lp = measure(tmp, "fast_io", tmp + "/lib:.frozen")
    else:
        bare, full, io, lp = measure(tmp, "asyncio", ".frozen")
finally:
    sh("rm -rf " + tmp)
print("RESULT ram_import_bytes %d bytes" % bare)
print("RESULT ram_full_api_bytes %d bytes" % full)
print("RESULT ram_full_api_after_io_wait_bytes %d bytes" % io)
print("RESULT ram_full_api_and_low_priority_bytes %f bytes" % lp)
