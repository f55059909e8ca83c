# rtc_time_cfg: the low-power options; set them before the event loop is imported
# MIT license

enabled = False  # True: rtc_time is the loop's timebase and Latency() saves power
disable_3v3 = False  # Pyboard D in low-power mode: switch the 3.3 V output off
disable_leds = False  # Pyboard D in low-power mode: hold the LEDs off with pull-ups
