"""The programs in examples/ run on the unix port and do what their top comment says.

Hardware comes from machine-sim: the prelude makes ``import machine`` (and ``import pyb``)
give the simulation, imports the example (its ``if __name__ == "__main__"`` guard keeps it
from starting) and runs its ``main()`` beside a scenario that drives the simulated pins and
wires, as a user and the devices would.
"""

import textwrap

from harness import REPO

EXAMPLES = REPO / "examples"
MACHINE = "import machine_sim\nmachine_sim.install()\n"
PYB = "import sys, machine_sim.pyb\nsys.modules['pyb'] = machine_sim.pyb\n"


def run(board, loop, example, scenario, prelude=MACHINE):
    code = prelude + f"import {example}\n" + textwrap.dedent(scenario)
    return board.output(code, loop=loop, path=[EXAMPLES]).splitlines()


def promised(example):
    """The lines after '# Prints:' at the end of an example."""
    text = (EXAMPLES / f"{example}.py").read_text()
    return [line[2:] for line in text.split("# Prints:\n")[1].splitlines()]


def test_primitives(board, loop):
    out = board.output((EXAMPLES / "primitives.py").read_text(), loop=loop, path=[EXAMPLES])
    assert out.splitlines() == promised("primitives")


def test_button_led(board, loop):
    out = run(
        board,
        loop,
        "button_led",
        """
        import asyncio
        import aswitch
        from machine_sim import Pin, play

        # A relaxed double-click window: a host stalled 100 ms or more must not split the
        # double click below into two clicks (the example keeps the class's 400 ms)
        aswitch.Pushbutton.double_click_ms = 700

        async def scenario():
            asyncio.create_task(button_led.main())
            await asyncio.sleep_ms(100)
            button, led = Pin("X1"), Pin("X2")
            ms = 1000
            for clicks in ([(0, 0), (100 * ms, 1)], [(0, 0), (1200 * ms, 1)]):
                await play(button, clicks)  # a click, then a long press
                await asyncio.sleep_ms(1100)
                print("led", led.value())
            on = [0]

            async def watch():  # the LED's rising edges, sampled every 10 ms (flashes: 100 ms)
                was = led.value()
                for _ in range(150):
                    await asyncio.sleep_ms(10)
                    on[0] += led.value() > was
                    was = led.value()

            watcher = asyncio.create_task(watch())
            await play(button, [(0, 0), (100 * ms, 1), (100 * ms, 0), (100 * ms, 1)])
            await watcher
            print("flashes", on[0], "led", led.value())

        asyncio.run(scenario())
        """,
    )
    assert out == ["click", "led 1", "long", "led 0", "double", "flashes 3 led 0"]


def test_ir_remote(board, loop):
    out = run(
        board,
        loop,
        "ir_remote",
        """
        import asyncio
        from machine_sim import Pin, play, pulses

        def frame(addr, cmd):  # an NEC block: mark and space widths in us
            val = addr | (addr ^ 0xFF) << 8 | cmd << 16 | (cmd ^ 0xFF) << 24
            widths = [9000, 4500]
            for bit in range(32):
                widths += [562, 1687 if val >> bit & 1 else 562]
            return widths + [562]

        async def scenario():
            pin = Pin("X3")
            pin.external(1)  # the receiver's output idles high
            asyncio.create_task(ir_remote.main())
            await asyncio.sleep_ms(100)
            for block in (frame(0, 0x46), [9000, 2250, 562], frame(0, 0x07), [200]):
                await play(pin, pulses(0, block, gap_us=100_000))
            await asyncio.sleep_ms(100)

        asyncio.run(scenario())
        """,
    )
    assert out == ["key up address 0", "repeat", "key 7 address 0", "error -2"]


def test_gps_logger(board, loop, tmp_path):
    out = run(
        board,
        loop,
        "gps_logger",
        f"""
        import asyncio
        from machine_sim import UART

        async def scenario():
            uart = UART(4, 9600)
            asyncio.create_task(gps_logger.main(uart, {str(tmp_path / "gps.csv")!r}, 1))
            # fixes at 0.3, 0.8 and 1.7 s; the logger sleeps 1 s after each fix it logs
            for second, wait in ((51, 300), (52, 500), (53, 900)):
                await asyncio.sleep_ms(wait)
                rmc = "GPRMC,0927%d.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A" % second
                gga = "GPGGA,0927%d.000,5321.6802,N,00630.3371,W,1,08,1.0,54.2,M,51.1,M,," % second
                for body in (rmc, gga):
                    check = 0
                    for c in body:
                        check ^= ord(c)
                    uart.wire.write(b"$%s*%02X\\r\\n" % (body, check))
            await asyncio.sleep_ms(300)

        asyncio.run(scenario())
        """,
    )
    assert out == [
        "05/28/11,09:27:51,53.361337,-6.505618,54.2",
        "05/28/11,09:27:53,53.361337,-6.505618,54.2",
    ]
    assert (tmp_path / "gps.csv").read_text().splitlines() == out


def test_lowpower(board):
    out = run(
        board,
        "asyncio",  # the example installs fast_io itself, as it must on the board
        "lowpower",
        """
        import _thread, asyncio, time
        from machine_sim import pyb

        def user():  # presses the button while the board sleeps
            while not pyb.stopped():
                time.sleep_ms(1)
            pin = pyb.Pin("X1")
            pin.external(0)
            time.sleep_ms(100)
            pin.external(1)

        async def scenario():
            asyncio.create_task(lowpower.main())
            await asyncio.sleep_ms(500)
            _thread.start_new_thread(user, ())
            await asyncio.sleep_ms(700)
            stops, _, by_pin = pyb.stats()
            print("stopped", stops > 3, "woken by the button", by_pin)

        asyncio.run(scenario())
        """,
        prelude=PYB,
    )
    assert out == [
        "Running on Pyboard 1.x",
        "Low power mode is ON.",
        "button",
        "stopped True woken by the button 1",
    ]


def test_sensor_display(board, loop):
    out = run(
        board,
        loop,
        "sensor_display",
        """
        import asyncio
        from machine import I2C
        from machine_sim.hd44780 import HD44780
        from machine_sim.htu21d import HTU21D as Sensor
        from alcd import PINLIST

        async def scenario():
            glass = HD44780(PINLIST, 16, 2)
            i2c = I2C(1)
            i2c.attach(Sensor(temperature=24.7, humidity=32.3))
            # readings done at ~70 and ~630 ms, screens at ~70, 470, 870 and 1270 ms; the
            # sensor unplugged at 750 ms, the attempt at ~1130 ms fails
            main = sensor_display.main(i2c, screens=4, refresh_ms=400, read_s=0.5)
            task = asyncio.create_task(main)
            await asyncio.sleep_ms(750)
            i2c.detach(0x40)
            await task
            await asyncio.sleep_ms(100)
            print(glass.screen(), glass.violations())

        asyncio.run(scenario())
        """,
    )
    assert out == [
        " 24.7C  32.3%RH|age 0s err 0",
        " 24.7C  32.3%RH|age 0s err 0",
        " 24.7C  32.3%RH|age 0s err 0",
        " 24.7C  32.3%RH|age 0s err 1",
        "[' 24.7C  32.3%RH ', 'age 0s err 1    '] []",
    ]
