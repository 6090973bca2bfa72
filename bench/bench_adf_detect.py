"""Time of finding/refusing ADF in hostile bodies of 64 KiB .. 2 MiB: it grows linearly.

Runs in `odoo-bin shell` (bench/run_all.sh) or alone: `.venv/bin/python bench/bench_adf_detect.py`.
Before the fix, an unclosed <adf> of 256 KiB took 105 s (quadratic patterns).
"""

import sys
import time
import types
from pathlib import Path

try:
    from odoo.addons.dealer_lead_addon.tools import inquiry
except ImportError:  # without Odoo: the pure tools as a bare package
    package = types.ModuleType("dealer_tools")
    package.__path__ = [str(Path("dealer_lead_addon/tools").resolve())]
    sys.modules["dealer_tools"] = package
    from dealer_tools import inquiry

KIB = 1024
SHAPES = {
    "unclosed <adf>": lambda size: "<adf>" + "x" * size,
    "repeated '<adf '": lambda size: "<adf " * (size // 5),
    "repeated '&lt;adf '": lambda size: "&lt;adf " * (size // 8),
    "unclosed '<?' inside <adf>": lambda size: "<adf>" + "<?" * (size // 2) + "</adf>",
    "unclosed CDATA inside <adf>": lambda size: "<adf>" + "<![CDATA[" * (size // 9) + "</adf>",
    "deep JSON": lambda size: '{"a":' * (size // 5),
}


def measure(text, parser):
    start = time.perf_counter()
    try:
        parser(text)
    except inquiry.InquiryError as error:
        code = error.code
    else:
        code = "accepted"
    return time.perf_counter() - start, code


sizes = [64 * KIB * 2 ** i for i in range(6)]  # 64 KiB .. 2 MiB
print(f"{'shape':32}" + "".join(f"{size // KIB:>9} KiB" for size in sizes))
for name, build in SHAPES.items():
    parser = inquiry.from_json if name.endswith("JSON") else inquiry.from_adf
    cells, code = [], ""
    for size in sizes:
        seconds, code = measure(build(size), parser)
        cells.append(f"{seconds * 1000:>10.1f}ms")
    print(f"{name:32}" + "".join(cells) + f"  -> {code}")
