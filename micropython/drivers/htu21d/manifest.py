metadata(
    version="1.0.0",
    description="HTU21D(F) humidity and temperature sensor on I2C, read by a task (2019 htu21d_mc)",
    license="MIT",
)

module("htu21d_mc.py")
