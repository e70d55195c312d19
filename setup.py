"""Build the optional C kernels; everything else is in pyproject.toml.

``skoptim._kernels`` fuses the element-wise updates of the training loop
(see ``skoptim/_fused.py``). It needs only the CPython headers. The build is
optional: without a C compiler skoptim installs and runs on its numpy
fallback, which gives the same results more slowly.
"""

import sys

from setuptools import Extension, setup

# No contraction into fused multiply-adds: the kernels must round exactly as
# the numpy fallback does. No errno from sqrt, so the loops vectorize.
if sys.platform == "win32":
    compile_args = ["/O2", "/fp:precise"]
else:
    compile_args = ["-O3", "-ffp-contract=off", "-fno-math-errno"]

setup(
    ext_modules=[
        Extension(
            "skoptim._kernels",
            sources=["skoptim/_kernels.c"],
            extra_compile_args=compile_args,
            optional=True,
        )
    ]
)
