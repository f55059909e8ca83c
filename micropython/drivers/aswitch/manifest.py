metadata(
    version="1.0.0",
    description="Debounced Switch and Pushbutton (press, release, double, long) and Delay_ms",
    license="MIT",
)

module("aswitch.py")
