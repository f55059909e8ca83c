metadata(
    version="1.0.0",
    description="Low-power fast_io on the Pyboard: RTC timebase, stop mode between passes",
    license="MIT",
)

require("uasyncio-fast-io", version="1.0.0")

module("rtc_time.py")
module("rtc_time_cfg.py")
