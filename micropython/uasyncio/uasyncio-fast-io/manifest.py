metadata(
    version="1.0.0",
    description="fast_io asyncio event loop: I/O priority, low priority, prompt cancellation",
    license="MIT",
)

require("uasyncio-core", version="1.0.0")

package("fast_io", files=["__init__.py", "stream.py"])
