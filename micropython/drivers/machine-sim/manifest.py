metadata(
    version="0.2.0",
    description="Simulated Pin, I2C and UART for testing drivers on the unix port",
    license="MIT",
)

package("machine_sim")
