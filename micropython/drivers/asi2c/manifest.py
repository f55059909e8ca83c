metadata(
    version="1.0.0",
    description="A full-duplex stream link between two boards over I2C and two wires (2019 asi2c)",
    license="MIT",
)

module("asi2c.py")
module("asi2c_i.py")
