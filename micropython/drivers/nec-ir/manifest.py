metadata(
    version="1.0.0",
    description="NEC infra-red remote decoder on pin interrupts (2019 aremote.NEC_IR)",
    license="MIT",
)

module("aremote.py")
