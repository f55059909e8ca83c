"""Differential tests: the Loop object, the exception handler and the exception classes.

Each program runs on the built-in asyncio (the reference) and on fast_io, twice
(on the firmware's C task queue, then on its pure-Python fallback); both must print the
same lines, and the reference must print the literal expected here. The default exception
handler writes to stderr with object addresses and file names: the lines that carry meaning
(``harness.meaning``) are compared, as for every differential program.
"""

import pytest
from harness import meaning, program

PROGRAMS = [
    program(
        "get_event_loop_is_a_singleton",
        """
        import asyncio

        loop = asyncio.get_event_loop()
        print(loop is asyncio.get_event_loop())

        async def main():
            print(asyncio.get_event_loop() is loop)

        asyncio.run(main())
        """,
        """
        True
        True
        """,
    ),
    program(
        "new_event_loop_becomes_current",
        """
        import asyncio

        old = asyncio.get_event_loop()
        new = asyncio.new_event_loop()
        print(new is asyncio.get_event_loop())

        async def main():
            return "ran on the new loop"

        print(new.run_until_complete(main()))
        """,
        """
        True
        ran on the new loop
        """,
    ),
    program(
        "new_event_loop_drops_old_tasks",
        """
        import asyncio

        async def forgotten():
            print("never printed")

        async def main():
            await asyncio.sleep_ms(1)
            return "fresh"

        loop = asyncio.get_event_loop()
        loop.create_task(forgotten())
        loop = asyncio.new_event_loop()
        print(loop.run_until_complete(main()))
        """,
        """
        fresh
        """,
    ),
    program(
        "run_until_complete_returns_value_and_keeps_other_tasks",
        """
        import asyncio

        async def background():
            for i in range(4):
                print("background", i)
                await asyncio.sleep(0)

        async def first():
            await asyncio.sleep(0)
            return "first"

        async def second():
            for _ in range(3):
                await asyncio.sleep(0)
            return "second"

        loop = asyncio.get_event_loop()
        loop.create_task(background())
        print(loop.run_until_complete(first()))
        print(loop.run_until_complete(second()))
        """,
        """
        background 0
        background 1
        first
        background 2
        background 3
        second
        """,
    ),
    program(
        "run_until_complete_with_task",
        """
        import asyncio

        async def work():
            await asyncio.sleep_ms(2)
            return 11

        loop = asyncio.get_event_loop()
        t = loop.create_task(work())
        print(isinstance(t, asyncio.Task), loop.run_until_complete(t), t.done())
        """,
        """
        True 11 True
        """,
    ),
    program(
        "run_until_complete_propagates_exception",
        """
        import asyncio

        async def bad():
            await asyncio.sleep_ms(1)
            raise ValueError("from task")

        loop = asyncio.get_event_loop()
        try:
            loop.run_until_complete(bad())
        except ValueError as e:
            print("caught", e)
        """,
        """
        caught from task
        """,
    ),
    program(
        "run_forever_until_stop",
        """
        import asyncio

        async def worker(loop):
            for i in range(3):
                print("tick", i)
                await asyncio.sleep_ms(2)
            loop.stop()
            print("stop called")

        loop = asyncio.get_event_loop()
        loop.create_task(worker(loop))
        print("run_forever returned", loop.run_forever())
        loop.close()
        print("closed")
        """,
        """
        tick 0
        tick 1
        tick 2
        stop called
        run_forever returned None
        closed
        """,
    ),
    program(
        "run_forever_resumes_after_stop",
        """
        import asyncio

        async def worker(loop):
            for i in range(4):
                print("step", i)
                if i == 1:
                    loop.stop()
                await asyncio.sleep_ms(1)
            loop.stop()

        loop = asyncio.get_event_loop()
        loop.create_task(worker(loop))
        loop.run_forever()
        print("stopped once")
        loop.run_forever()
        print("stopped twice")
        """,
        """
        step 0
        step 1
        stopped once
        step 2
        step 3
        stopped twice
        """,
    ),
    program(
        "exception_handler_receives_context_and_loop_runs_on",
        """
        import asyncio

        def handler(loop, context):
            print("handler:", context["message"], type(context["exception"]).__name__)

        async def bad(n):
            for _ in range(n):
                await asyncio.sleep(0)
            raise ValueError(n)

        async def main():
            loop = asyncio.get_event_loop()
            loop.set_exception_handler(handler)
            print(loop.get_exception_handler() is handler)
            asyncio.create_task(bad(1))
            asyncio.create_task(bad(3))
            for _ in range(5):
                await asyncio.sleep(0)
            print("main still running")

        asyncio.run(main())
        """,
        """
        True
        handler: Task exception wasn't retrieved ValueError
        handler: Task exception wasn't retrieved ValueError
        main still running
        """,
    ),
    program(
        "exception_handler_context_names_the_task",
        """
        import asyncio

        def handler(loop, context):
            print(sorted(context.keys()))
            print(context["future"] is culprit, context["exception"].args)

        async def bad():
            raise KeyError("which")

        async def main():
            global culprit
            asyncio.get_event_loop().set_exception_handler(handler)
            culprit = asyncio.create_task(bad())
            await asyncio.sleep(0)
            await asyncio.sleep(0)

        asyncio.run(main())
        """,
        """
        ['exception', 'future', 'message']
        True ('which',)
        """,
    ),
    program(
        "exception_handler_get_set_none",
        """
        import asyncio

        def handler(loop, context):
            pass

        loop = asyncio.get_event_loop()
        print(loop.get_exception_handler())
        loop.set_exception_handler(handler)
        print(loop.get_exception_handler() is handler)
        loop.set_exception_handler(None)
        print(loop.get_exception_handler())
        """,
        """
        None
        True
        None
        """,
    ),
    program(
        "call_exception_handler_calls_custom_handler",
        """
        import asyncio

        def handler(loop, context):
            print("got", context["message"], loop is asyncio.get_event_loop())

        loop = asyncio.get_event_loop()
        loop.set_exception_handler(handler)
        loop.call_exception_handler({"message": "by hand"})
        """,
        """
        got by hand True
        """,
    ),
    program(
        "handler_not_called_for_retrieved_or_cancelled",
        """
        import asyncio

        def handler(loop, context):
            print("handler called")

        async def bad():
            await asyncio.sleep_ms(1)
            raise ValueError

        async def sleeper():
            await asyncio.sleep(10)

        async def main():
            asyncio.get_event_loop().set_exception_handler(handler)
            t = asyncio.create_task(bad())
            s = asyncio.create_task(sleeper())
            try:
                await t
            except ValueError:
                print("retrieved")
            s.cancel()
            await asyncio.sleep_ms(5)
            print("end")

        asyncio.run(main())
        """,
        """
        retrieved
        end
        """,
    ),
    program(
        "exception_from_nested_coroutine_reaches_handler",
        """
        import asyncio

        def handler(loop, context):
            print("handler", context["exception"])

        async def inner():
            await asyncio.sleep(0)
            raise OSError(7)

        async def outer():
            await inner()

        async def main():
            asyncio.get_event_loop().set_exception_handler(handler)
            asyncio.create_task(outer())
            for _ in range(3):
                await asyncio.sleep(0)
            print("main done")

        asyncio.run(main())
        """,
        """
        handler 7
        main done
        """,
    ),
    program(
        "exception_classes",
        """
        import asyncio

        print(asyncio.CancelledError.__name__, asyncio.TimeoutError.__name__)
        print(issubclass(asyncio.CancelledError, BaseException))
        print(issubclass(asyncio.CancelledError, Exception))
        print(issubclass(asyncio.TimeoutError, Exception))

        async def sleeper():
            await asyncio.sleep(10)

        async def main():
            t = asyncio.create_task(sleeper())
            await asyncio.sleep(0)
            t.cancel()
            try:
                await t
            except Exception:
                print("wrongly caught as Exception")
            except asyncio.CancelledError as e:
                print("caught", type(e) is asyncio.CancelledError)
            try:
                await asyncio.wait_for_ms(sleeper(), 1)
            except asyncio.TimeoutError as e:
                print("caught", type(e) is asyncio.TimeoutError)

        asyncio.run(main())
        """,
        """
        CancelledError TimeoutError
        True
        False
        True
        caught True
        caught True
        """,
    ),
    program(
        "task_cannot_cancel_itself",
        """
        import asyncio

        async def main():
            try:
                asyncio.current_task().cancel()
            except RuntimeError as e:
                print("RuntimeError", e)
            await asyncio.sleep_ms(1)
            return "alive"

        print(asyncio.run(main()))
        """,
        """
        RuntimeError can't cancel self
        alive
        """,
    ),
    program(
        "main_task_cancelled_by_another_task",
        """
        import asyncio

        async def killer(victim):
            victim.cancel()

        async def main():
            asyncio.create_task(killer(asyncio.current_task()))
            await asyncio.sleep(10)
            print("not reached")

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            print("run raised CancelledError")
        """,
        """
        run raised CancelledError
        """,
    ),
    program(
        "exception_retrieved_after_handler_ran",
        """
        import asyncio

        def handler(loop, context):
            print("handler", type(context["exception"]).__name__)

        async def bad():
            raise ValueError("late")

        async def main():
            asyncio.get_event_loop().set_exception_handler(handler)
            t = asyncio.create_task(bad())
            for _ in range(3):
                await asyncio.sleep(0)
            try:
                await t
            except ValueError as e:
                print("still raised to a late awaiter:", e)

        asyncio.run(main())
        """,
        """
        handler ValueError
        still raised to a late awaiter: late
        """,
    ),
    program(
        "tasks_left_by_one_run_continue_in_the_next",
        """
        import asyncio

        async def leftover():
            for i in range(3):
                print("leftover", i)
                await asyncio.sleep_ms(0)

        async def first():
            asyncio.create_task(leftover())
            return "first"

        async def second():
            for _ in range(5):
                await asyncio.sleep_ms(0)
            return "second"

        print(asyncio.run(first()))
        print(asyncio.run(second()))
        """,
        """
        first
        leftover 0
        leftover 1
        leftover 2
        second
        """,
    ),
    program(
        "exception_raised_by_the_handler_leaves_run",
        """
        import asyncio

        def handler(loop, context):
            print("handler raising")
            raise KeyError("from handler")

        async def bad():
            raise ValueError

        async def main():
            asyncio.get_event_loop().set_exception_handler(handler)
            asyncio.create_task(bad())
            for _ in range(3):
                await asyncio.sleep(0)
            return "not returned"

        try:
            print(asyncio.run(main()))
        except KeyError as e:
            print("KeyError out of run:", e)
        """,
        """
        handler raising
        KeyError out of run: from handler
        """,
    ),
]

DEFAULT_HANDLER = """
import asyncio

async def bad():
    await asyncio.sleep(0)
    raise ValueError("unhandled")

async def main():
    asyncio.create_task(bad())
    for _ in range(3):
        await asyncio.sleep(0)
    print("main still running")

asyncio.run(main())
print("end")
"""


@pytest.mark.parametrize("code,expected", PROGRAMS)
def test_same_output_as_builtin(board, code, expected):
    board.assert_same_everywhere(code, expected)


def test_default_exception_handler(board):
    builtin = board.run(DEFAULT_HANDLER, loop="asyncio")
    fast_io = board.run(DEFAULT_HANDLER, loop="fast_io")
    assert builtin.stdout == "main still running\nend\n"
    assert meaning(builtin.stderr) == [
        "Task exception wasn't retrieved",
        "future: <Task> coro= <generator object 'bad' at ...>",
        "Traceback (most recent call last):",
        "ValueError: unhandled",
    ]
    assert fast_io.stdout == builtin.stdout
    assert meaning(fast_io.stderr) == meaning(builtin.stderr)
