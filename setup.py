"""Build the optional C extensions; everything else is in pyproject.toml.

``skoptim._kernels`` fuses the element-wise updates of the training loop
(see ``skoptim/_fused.py``); ``skoptim._data_parallel`` runs the forward and
backward passes of dense networks on two halves of each batch at once (see
``skoptim/neural_network/_data_parallel.py``; it calls scipy's BLAS through
function pointers, so it needs no BLAS headers or libraries to build). Both
need only the CPython headers, and both are optional: without a C compiler
skoptim installs and runs on numpy alone, more slowly.
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
        ),
        Extension(
            "skoptim._data_parallel",
            sources=["skoptim/_data_parallel.c"],
            extra_compile_args=compile_args,
            optional=True,
        ),
    ]
)
