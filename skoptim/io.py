"""Persistence helpers: the types to trust when loading with skops.

Fitted skoptim estimators pickle (``pickle``, ``joblib``) with their solver
state, so ``partial_fit`` after a reload continues exactly where it stopped.
`skops.io <https://skops.readthedocs.io>`_ saves them without pickle's
arbitrary code execution; it refuses to load types it does not know unless
told to trust them, and :func:`trusted_types` lists skoptim's own::

    import skops.io as sio
    from skoptim.io import trusted_types

    data = sio.dumps(clf)
    unknown = sio.get_untrusted_types(data=data)
    assert set(unknown) <= set(trusted_types())   # only skoptim's types
    clf = sio.loads(data, trusted=trusted_types())

skops is an optional dependency: ``pip install "skoptim[skops]"``.
"""

from .activations import Activation
from .callbacks import EarlyStopping, TrainingDiagnostics
from .initializers import Initializer
from .losses import Loss
from .neural_network import MLPClassifier, MLPRegressor
from .neural_network._layout import ParamLayout
from .neural_network._monitor import ValidationCurves
from .neural_network._network import Network
from .neural_network._training import History
from .optimizers import LBFGS, GradientClipping, Solver
from .penalties import Penalty
from .preprocessing import OneHotEncoder, StandardScaler
from .schedules import Schedule

__all__ = ["trusted_types"]

#: Families whose every skoptim subclass may sit in a fitted estimator.
_FAMILIES = (Solver, Schedule, Penalty, Initializer, Activation, Loss)
#: Single classes a fitted estimator or transformer holds.
_SINGLES = (
    MLPClassifier,
    MLPRegressor,
    StandardScaler,
    OneHotEncoder,
    LBFGS,
    ParamLayout,
    Network,
    History,
    ValidationCurves,
    EarlyStopping,
    TrainingDiagnostics,
)


def _subclasses(cls):
    found = {cls}
    for sub in cls.__subclasses__():
        found |= _subclasses(sub)
    return found


def _name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def trusted_types():
    """The fully qualified names of skoptim's types that a saved model holds.

    Pass them as ``trusted`` to ``skops.io.load`` / ``skops.io.loads``. They
    are skoptim's estimators, transformers, solvers (wrappers included),
    schedules, penalties, initializers, activations, losses and the fitted
    internals (parameter layout, network, training history); only classes
    defined inside skoptim are listed, never a user's subclass.

    Returns
    -------
    names : list of str
        Sorted, e.g. ``"skoptim.optimizers._adam.Adam"``.

    Examples
    --------
    >>> from skoptim.io import trusted_types
    >>> "skoptim.neural_network._mlp.MLPClassifier" in trusted_types()
    True
    """
    classes = set(_SINGLES)
    for family in _FAMILIES:
        classes |= _subclasses(family)
    for wrapper_base in GradientClipping.__mro__:  # the wrappers' own base
        if wrapper_base.__module__.startswith("skoptim."):
            classes |= _subclasses(wrapper_base)
    return sorted(
        _name(cls) for cls in classes if cls.__module__.startswith("skoptim.")
    )
