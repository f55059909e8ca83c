metadata(
    version="0.1.0",
    description="Asynchronous NMEA GPS drivers: read-only, MTK command writer, PPS precision time",
    license="MIT",
)

module("as_GPS.py")
module("as_rwGPS.py")
module("as_tGPS.py")
