metadata(
    version="1.0.0",
    description="Install exactly a lock file's packages from a mip index, SHA-256 checked, "
    "and verify the board against the lock, on the board itself",
    license="MIT",
)

module("miplock.py")
