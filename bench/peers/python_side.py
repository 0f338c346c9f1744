# Copyright 2026 the @concurrent/futures authors. MIT license.
"""The Python peers, run by main.ts as
`python3 bench/peers/python_side.py <workload> [args...]`.

Each run times only the workload and prints one line of JSON for main.ts.
"""
import asyncio
import json
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def identity(x):
    return x


def count_primes(lo, hi):
    """Line-for-line port of countPrimes in _cpu_job.mjs."""
    count = 0
    for n in range(max(lo, 2), hi):
        if n < 4:
            count += 1
            continue
        if n % 2 == 0:
            continue
        prime = True
        d = 3
        while d * d <= n:
            if n % d == 0:
                prime = False
                break
            d += 2
        if prime:
            count += 1
    return count


def collatz_steps_in_part(limit, part, parts, block=64):
    """Line-for-line port of collatzStepsInPart in _cpu_job.mjs."""
    steps = 0
    for lo in range(part * block, limit, parts * block):
        for n in range(max(lo, 1), min(lo + block, limit)):
            x = n
            while x != 1:
                x = x // 2 if (x & 1) == 0 else 3 * x + 1
                steps += 1
    return steps


def ranges(limit, chunks):
    return [(limit * i // chunks, limit * (i + 1) // chunks) for i in range(chunks)]


def sleep_schedule(n, max_ms):
    """The same 32-bit LCG as sleepSchedule in _cpu_job.mjs."""
    out = []
    x = 12345
    for _ in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(x % (max_ms + 1))
    return out


def peak_kib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def warm(ex, workers):
    for f in [ex.submit(identity, i) for i in range(workers * 2)]:
        f.result()


def pool_submit(n="20000", workers="2"):
    n, workers = int(n), int(workers)
    with ProcessPoolExecutor(workers) as ex:
        warm(ex, workers)
        t0 = time.perf_counter()
        futures = [ex.submit(identity, i) for i in range(n)]
        total = sum(f.result() for f in futures)
        ms = (time.perf_counter() - t0) * 1000
    return {"ms": ms, "check": total}


def pool_map(n="20000", workers="2", chunksize="100"):
    n, workers, chunksize = int(n), int(workers), int(chunksize)
    with ProcessPoolExecutor(workers) as ex:
        warm(ex, workers)
        t0 = time.perf_counter()
        total = sum(ex.map(identity, range(n), chunksize=chunksize))
        ms = (time.perf_counter() - t0) * 1000
    return {"ms": ms, "check": total}


def cpu(limit="2000000", chunks="16", workers="2"):
    limit, chunks, workers = int(limit), int(chunks), int(workers)
    parts = ranges(limit, chunks)
    with ProcessPoolExecutor(workers) as ex:
        warm(ex, workers)
        t0 = time.perf_counter()
        futures = [ex.submit(count_primes, lo, hi) for lo, hi in parts]
        total = sum(f.result() for f in futures)
        ms = (time.perf_counter() - t0) * 1000
    return {"ms": ms, "check": total}


def cpu_serial(limit="2000000", chunks="16"):
    parts = ranges(int(limit), int(chunks))
    t0 = time.perf_counter()
    total = sum(count_primes(lo, hi) for lo, hi in parts)
    return {"ms": (time.perf_counter() - t0) * 1000, "check": total}


def sweep(limit="125000", tasks="64", workers="2"):
    limit, tasks, workers = int(limit), int(tasks), int(workers)
    with ProcessPoolExecutor(workers) as ex:
        warm(ex, workers)

        def round_():
            futures = [
                ex.submit(collatz_steps_in_part, limit, i, tasks)
                for i in range(tasks)
            ]
            return sum(f.result() for f in futures)

        # One untimed round first, as every contestant of the sweep does.
        round_()
        t0 = time.perf_counter()
        total = round_()
        ms = (time.perf_counter() - t0) * 1000
    return {"ms": ms, "check": total}


def sweep_serial(limit="125000", tasks="64"):
    limit, tasks = int(limit), int(tasks)

    def round_():
        return sum(collatz_steps_in_part(limit, i, tasks) for i in range(tasks))

    # The untimed round of every contestant of the sweep.
    round_()
    t0 = time.perf_counter()
    total = round_()
    return {"ms": (time.perf_counter() - t0) * 1000, "check": total}


def startup(workers="2"):
    t0 = time.perf_counter()
    with ProcessPoolExecutor(int(workers)) as ex:
        value = ex.submit(identity, 42).result()
        ms = (time.perf_counter() - t0) * 1000
    return {"ms": ms, "check": value}


def switches(n="100000", yields="10"):
    n, yields = int(n), int(yields)
    done = 0

    async def worker():
        nonlocal done
        for _ in range(yields):
            await asyncio.sleep(0)
        done += 1

    async def main():
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(worker()) for _ in range(n)]
        for task in tasks:
            await task

    t0 = time.perf_counter()
    asyncio.run(main())
    return {"ms": (time.perf_counter() - t0) * 1000, "check": done}


def sleepers(n="100000", max_ms="1000"):
    schedule = sleep_schedule(int(n), int(max_ms))
    done = 0

    async def sleeper(ms):
        nonlocal done
        await asyncio.sleep(ms / 1000)
        done += 1

    async def main():
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(sleeper(ms)) for ms in schedule]
        for task in tasks:
            await task

    t0 = time.perf_counter()
    asyncio.run(main())
    return {
        "ms": (time.perf_counter() - t0) * 1000,
        "check": done,
        "longestMs": max(schedule),
    }


def versions():
    return {"python": platform.python_version()}


WORKLOADS = {
    "submit": pool_submit,
    "map": pool_map,
    "cpu": cpu,
    "serial": cpu_serial,
    "sweep": sweep,
    "sweep-serial": sweep_serial,
    "startup": startup,
    "switches": switches,
    "sleepers": sleepers,
    "versions": versions,
}

if __name__ == "__main__":
    result = WORKLOADS[sys.argv[1]](*sys.argv[2:])
    result["peakKiB"] = peak_kib()
    print(json.dumps(result))
    sys.stdout.flush()
    # The interpreter's teardown is not part of any workload.
    os._exit(0)
