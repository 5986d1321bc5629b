"""A gibibyte aws-chunked upload stays in little memory, on both backends: peak RSS and
Python's own allocations measured in a child process, with a control that the meter
sees memory at all."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

MEMORY_SCRIPT = textwrap.dedent(
    """
    import sys, tracemalloc, httpx
    from httpx_auth import AWS4Auth, _core, _purepy
    if sys.argv[1] == "python":
        _core.use(_purepy, "python")
    else:
        from httpx_auth import _native
        _core.use(_native, "rust")
    SIZE, PIECE = 1 << 30, 1 << 20
    block = bytes(PIECE)
    def status(field):
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))
    def reset_peak():  # Linux: the peak RSS (VmHWM) starts again from the current RSS
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return status("VmRSS")
    class Sink(httpx.BaseTransport):
        def handle_request(self, request):
            self.sent = sum(len(piece) for piece in request.stream)
            return httpx.Response(200)
    def body():
        for _ in range(SIZE // PIECE):
            yield block
    sink = Sink()
    auth = AWS4Auth("id", "secret", "us-east-1", "s3", streaming=True, checksum=sys.argv[2])
    with httpx.Client(transport=sink) as client:
        client.put("https://b.s3.amazonaws.com/k", content=b"warm-up" * 10000, auth=auth)
        before = reset_peak()
        tracemalloc.start()
        reply = client.put("https://b.s3.amazonaws.com/k", content=body(), headers={"Content-Length": str(SIZE)}, auth=auth)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        growth = status("VmHWM") - before
    assert reply.status_code == 200 and sink.sent > SIZE, sink.sent
    before = reset_peak()
    control = bytearray(64 << 20)  # the meter does see 64 MiB more
    control[::4096] = b"x" * len(control[::4096])
    del control
    print(growth, traced, status("VmHWM") - before)
    """
)


@pytest.mark.parametrize("name", ["rust", "python"])
def test_a_gibibyte_upload_stays_in_little_memory(name: str) -> None:
    from backends import BACKENDS

    if not os.path.exists("/proc/self/clear_refs"):
        pytest.skip("peak memory is measured with Linux's /proc/self/clear_refs")
    if sys.implementation.name != "cpython":
        pytest.skip("the measure uses tracemalloc, which only CPython has (CI runs it there)")
    if name not in BACKENDS:
        pytest.skip("compiled core not built in this install")
    algorithm = "crc64nvme" if name == "rust" else "crc32"  # table-driven CRCs are slow in pure Python
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, name, algorithm], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    rss_growth, python_peak, control = (int(value) for value in result.stdout.split())
    assert rss_growth < 32 * 1024 * 1024
    assert python_peak < 32 * 1024 * 1024
    assert control > 60 * 1024 * 1024  # the meter: 64 MiB touched after the upload shows up
