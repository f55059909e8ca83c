metadata(
    version="1.0.0",
    description="fast_io scheduler core: tasks, timers, cancellation, low priority",
    license="MIT",
)

package(
    "fast_io",
    files=[
        "core.py",
        "task.py",
        "ioq.py",
        "event.py",
        "lock.py",
        "funcs.py",
        "lowprio.py",
        "legacy.py",
        "order.py",
    ],
)
