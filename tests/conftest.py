"""Test configuration."""

# The fixture generator needs torch (not a test dependency); it is a script,
# not a test module.
collect_ignore_glob = ["fixtures/*"]


def pytest_configure(config):
    """One BLAS thread per test process: pytest-xdist runs one process per
    core, and oversubscribed BLAS threads make small matrix products many
    times slower."""
    from threadpoolctl import threadpool_limits

    config._skoptim_blas_limit = threadpool_limits(limits=1, user_api="blas")
