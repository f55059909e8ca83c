metadata(
    version="0.5.0",
    description="Simulated Pin, I2C, UART and Pyboard pyb for testing drivers on the unix port",
    license="MIT",
)

package("machine_sim")
