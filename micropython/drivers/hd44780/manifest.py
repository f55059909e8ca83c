metadata(
    version="1.0.0",
    description="HD44780 character LCD (16x2 to 20x4, 40x2) refreshed by a task (2019 alcd)",
    license="MIT",
)

module("alcd.py")
