metadata(
    version="1.0.0",
    description="uasyncio.synchro and uasyncio.queues: Lock, Event, Semaphore, Condition, Queue",
    license="MIT",
)

# Installed inside the fast_io folder: after fast_io.install(), `import uasyncio.synchro` finds
# fast_io/synchro.py. Without the loop, fast_io/ is a namespace package holding just these.
package("fast_io", files=["synchro.py", "queues.py"])
