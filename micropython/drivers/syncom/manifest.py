metadata(
    version="1.0.0",
    description="SynCom: a full-duplex link between two boards over four GPIO wires (2019 API)",
    license="MIT",
)

module("syncom.py")
