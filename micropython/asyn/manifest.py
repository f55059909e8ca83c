metadata(
    version="1.0.0",
    description="Synchronisation primitives, Message, RingbufQueue and named, cancellable tasks",
    license="MIT",
)

package("asyn")
