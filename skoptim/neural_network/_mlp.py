"""MLPClassifier and MLPRegressor: the scikit-learn contract.

The maths lives elsewhere: :mod:`._layout` (the flat parameter buffer),
:mod:`._network` (forward and backward passes), :mod:`._training` (the epoch
loop) and the solver, penalty and initializer objects.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_expit, log_softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..activations import HIDDEN_ACTIVATIONS
from ..initializers import INITIALIZERS, resolve_initializer
from ..losses import get_loss
from ..optimizers import SOLVERS, resolve_solver
from ..penalties import PENALTIES, resolve_penalty
from ..schedules import LinearWarmup, ReduceOnPlateau
from ._layout import ParamLayout
from ._monitor import (
    CallbackSupportMixin,
    EpochHook,
    ValidationCurves,
    ValidationSet,
    end_fit_task,
    start_fit_task,
)
from ._network import Network
from ._safeguards import TrainingDivergedWarning
from ._targets import OneHotLabels
from ._training import History, TrainingDivergedError, run_epochs, run_full_batch

__all__ = ["MLPClassifier", "MLPRegressor"]

_FLOAT_DTYPES = (np.float64, np.float32)


def _validate_component(owner, prefix, component):
    """Validate the hyperparameters of a parameter object, recursively.

    Errors name the full parameter path, e.g. ``solver__beta_1``.
    """
    constraints = getattr(component, "_parameter_constraints", None)
    if constraints is None or not hasattr(component, "get_params"):
        return
    params = component.get_params(deep=False)
    validate_parameter_constraints(
        {f"{prefix}__{name}": rule for name, rule in constraints.items()},
        {f"{prefix}__{name}": value for name, value in params.items()},
        caller_name=type(owner).__name__,
    )
    for name, value in params.items():
        if isinstance(value, BaseEstimator):
            _validate_component(owner, f"{prefix}__{name}", value)


def _is_layer_size(size):
    """Whether ``size`` is a positive whole number (not a bool)."""
    return (
        isinstance(size, Real)
        and not isinstance(size, (bool, np.bool_))
        and size >= 1
        and float(size).is_integer()
    )


def _stochastic_solver(estimator):
    """``partial_fit`` exists only with a step-based (stochastic) solver."""
    return not getattr(resolve_solver(estimator.solver), "full_batch", False)


def _same_config(a, b):
    """Whether two parameter objects have the same class and hyperparameters."""
    if type(a) is not type(b):
        return False
    if not isinstance(a, BaseEstimator):
        return a == b
    pa, pb = a.get_params(deep=False), b.get_params(deep=False)
    return pa.keys() == pb.keys() and all(_same_config(pa[k], pb[k]) for k in pa)


class BaseMLP(CallbackSupportMixin, BaseEstimator):
    """Shared parameters, fitting loop and fitted attributes of the MLPs.

    Do not use directly; use :class:`MLPClassifier` or :class:`MLPRegressor`.
    """

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
        "solver": [StrOptions(set(SOLVERS)), HasMethods(["init_state", "step"])],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "penalty": [StrOptions(set(PENALTIES)), None, HasMethods(["value", "prox"])],
        "batch_size": [
            StrOptions({"auto", "full"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "init": [StrOptions({"auto"} | set(INITIALIZERS)), HasMethods(["initialize"])],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_normalization": ["boolean"],
        "batch_norm_momentum": [Interval(Real, 0, 1, closed="both")],
        "on_divergence": [StrOptions({"raise", "warn"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        penalty="l2",
        batch_size="auto",
        init="auto",
        loss="squared_error",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dropout=0.0,
        batch_normalization=False,
        batch_norm_momentum=0.1,
        on_divergence="raise",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.penalty = penalty
        self.batch_size = batch_size
        self.init = init
        self.loss = loss
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.batch_norm_momentum = batch_norm_momentum
        self.on_divergence = on_divergence

    # ------------------------------------------------------------------
    # fitted attributes built from the flat parameter buffer
    @property
    def coefs_(self):
        """list of ndarray: weight matrices, views of the flat parameters."""
        return self._layout.weights(self._params)

    @property
    def intercepts_(self):
        """list of ndarray: bias vectors, views of the flat parameters."""
        return self._layout.biases(self._params)

    @property
    def batch_norm_scales_(self):
        """list of ndarray: batch-norm scales (gamma) per hidden layer."""
        return self._layout.bn_scales(self._params)

    @property
    def batch_norm_shifts_(self):
        """list of ndarray: batch-norm shifts (beta) per hidden layer."""
        return self._layout.bn_shifts(self._params)

    @property
    def batch_norm_running_means_(self):
        """list of ndarray: running means used at inference."""
        return self._layout.running_means(self._buffers)

    @property
    def batch_norm_running_vars_(self):
        """list of ndarray: running (unbiased) variances used at inference."""
        return self._layout.running_vars(self._buffers)

    # ------------------------------------------------------------------
    # fitting
    def _validate_components(self):
        for name in ("solver", "penalty", "init"):
            _validate_component(self, name, getattr(self, name))
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else sizes
        if isinstance(sizes, str) or not all(map(_is_layer_size, sizes)):
            raise ValueError(
                "hidden_layer_sizes must be a positive integer or a sequence of "
                f"positive integers (() for a linear model), got "
                f"{self.hidden_layer_sizes!r}."
            )

    def _validate_training_data(self, X, y, reset):
        regressor = not isinstance(self, ClassifierMixin)
        try:
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse="csr",
                dtype=_FLOAT_DTYPES,
                multi_output=True,
                y_numeric=regressor,
                reset=reset,
            )
            if regressor and y.dtype.kind in "US":
                y = y.astype(np.float64)
        except ValueError as error:
            if "could not convert" not in str(error):
                raise
            needs = "X and the targets y" if regressor else "X"
            raise ValueError(
                f"{type(self).__name__} needs numeric {needs} ({error}). Encode "
                "categorical features first (skoptim.preprocessing.OneHotEncoder)"
                + ("; class labels need MLPClassifier." if regressor else ".")
            ) from error
        if not regressor:
            check_classification_targets(y)
        if not reset:
            X = X.astype(self._params.dtype, copy=False)
        return X, y

    def _sample_weight(self, sample_weight, X, y, incremental):
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        sample_weight = self._apply_class_weight(sample_weight, y, incremental, X.dtype)
        if sample_weight is not None and not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights (sample_weight times class_weight) must have "
                "a positive sum; got all zero weights."
            )
        if not incremental:
            self._check_weighted_targets(y, sample_weight)
        return sample_weight

    def _check_weighted_targets(self, y, sample_weight):
        """Hook: the classifier refuses weights that leave a single class."""

    def _apply_class_weight(self, sample_weight, y, incremental, dtype):
        return sample_weight

    def _hidden_units(self):
        return np.asarray(self.hidden_layer_sizes, dtype=int).ravel().tolist()

    def _dropout_rates(self):
        """One drop probability per hidden layer, validated."""
        n_hidden = len(self._hidden_units())
        rates = np.atleast_1d(np.asarray(self.dropout, dtype=float)).ravel()
        if rates.size == 1:
            rates = np.repeat(rates, n_hidden)
        if rates.size != n_hidden or not np.all((rates >= 0) & (rates < 1)):
            raise ValueError(
                "dropout must be a float in [0, 1) or one such float per hidden "
                f"layer ({n_hidden}); got {self.dropout!r}."
            )
        return tuple(rates.tolist())

    def _build_network(self):
        units = (self.n_features_in_, *self._hidden_units(), self.n_outputs_)
        layout = self._layout
        if units != layout.layer_units or (
            bool(self.batch_normalization) != layout.batch_norm
        ):
            raise ValueError(
                "warm_start and partial_fit need the network shape of the "
                f"previous fit: units {layout.layer_units} with "
                f"batch_normalization={layout.batch_norm} were fitted, the "
                f"parameters now ask for {units} with "
                f"batch_normalization={bool(self.batch_normalization)}."
            )
        return Network(
            layout,
            self.activation,
            get_loss(self.loss, self.out_activation_),
            resolve_penalty(self.penalty),
            self.alpha,
            dropout=self._dropout_rates(),
            batch_norm_momentum=self.batch_norm_momentum,
        )

    def _initialize(self, X, Y):
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = self._output_activation()
        self._layout = ParamLayout(
            (X.shape[1], *self._hidden_units(), self.n_outputs_),
            batch_norm=self.batch_normalization,
        )
        self.n_layers_ = self._layout.n_layers + 1
        self._rng = check_random_state(self.random_state)
        self._params = self._initial_params(X.dtype)
        self._buffers = self._layout.initial_buffers(X.dtype)
        self.solver_ = clone(resolve_solver(self.solver))
        self._solver_state = self.solver_.init_state(self._params)
        self._history = History(self.early_stopping)
        self.n_iter_ = 0
        self.t_ = 0

    def _initial_params(self, dtype):
        layout = self._layout
        activations = [self.activation] * (layout.n_layers - 1)
        activations.append(self.out_activation_)
        params = np.zeros(layout.n_params, dtype=dtype)
        for view, shape, activation in zip(
            layout.weights(params), layout.weight_shapes, activations
        ):
            initializer = resolve_initializer(self.init, activation)
            view[...] = initializer.initialize(*shape, self._rng, dtype=dtype)
        for scale in layout.bn_scales(params):
            scale[...] = 1
        return params

    def _refresh_solver(self):
        """Keep the solver state when the solver is unchanged (warm start)."""
        solver = resolve_solver(self.solver)
        if not _same_config(solver, self.solver_):
            self.solver_ = clone(solver)
            self._solver_state = self.solver_.init_state(self._params)

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size == "full":
            return n_samples
        return min(self.batch_size, n_samples)

    def _fit(self, X, y, sample_weight, *, incremental, classes=None, val=None):
        self._validate_components()
        first_call = not hasattr(self, "_params") or not (
            incremental or self.warm_start
        )
        X_given, y_given, sw_given = X, y, sample_weight
        X, y = self._validate_training_data(X, y, reset=first_call)
        Y = self._encode_targets(y, first_call, classes, X.dtype)
        sample_weight = self._sample_weight(sample_weight, X, y, incremental)
        self._check_solver_fits_the_setting(X.shape[0])
        self._check_schedule_has_its_quantity(incremental)
        if first_call:
            self._initialize(X, Y)
            self._validation_curves = ValidationCurves()
        else:
            self._refresh_solver()
            if not incremental:
                self._history.restart(self.early_stopping)
        network = self._network = self._build_network()
        validation = self._given_validation_set(network, val)
        report = {
            "X": X_given,
            "y": y_given,
            "metadata": None if sw_given is None else {"sample_weight": sw_given},
        }
        full_batch = getattr(self.solver_, "full_batch", False)
        task = start_fit_task(
            self,
            "partial_fit" if incremental else "fit",
            0 if incremental else self.max_iter + full_batch,
            **report,
        )
        try:
            self._train(
                network,
                X,
                Y,
                y,
                sample_weight,
                incremental=incremental,
                validation=validation,
                task=None if incremental else task,
                report=report,
            )
        finally:  # a diverged or interrupted fit still closes its task
            end_fit_task(self, task, **report)
        return self

    def _train(
        self, network, X, Y, y, sample_weight, *, incremental, validation, task, report
    ):
        """Run the epochs (or L-BFGS), reporting each to ``task`` when given."""
        full_batch = getattr(self.solver_, "full_batch", False)
        early_stopping = self.early_stopping and not incremental and not full_batch
        if early_stopping and validation is None:
            X, Y, y, sample_weight, validation = self._split_validation(
                network, X, Y, y, sample_weight
            )
        hook = EpochHook(self, task, validation, **report)
        hook = hook if hook.active else None
        if full_batch:
            return self._fit_full_batch(network, X, Y, sample_weight, hook)
        validation_score = validation.score if early_stopping else None
        n_samples = X.shape[0]
        epochs_before = len(self._history.loss_curve)
        try:
            epochs, converged = run_epochs(
                network,
                self._params,
                self.solver_,
                self._solver_state,
                X,
                Y,
                sample_weight=sample_weight,
                batch_size=self._batch_size(n_samples),
                shuffle=self.shuffle,
                rng=self._rng,
                max_epochs=1 if incremental else self.max_iter,
                history=self._history,
                tol=self.tol,
                n_iter_no_change=None if incremental else self.n_iter_no_change,
                validation_score=validation_score,
                buffers=self._buffers,
                epoch_offset=self.n_iter_,
                verbose=self.verbose,
                hook=hook,
            )
        except (TrainingDivergedError, KeyboardInterrupt) as stop:
            # the loop restored a finite model; its solver state is stale
            self._solver_state = self.solver_.init_state(self._params)
            epochs = len(self._history.loss_curve) - epochs_before
            self._update_fitted_attributes(epochs, n_samples)
            self._report_stop(stop)
            return self
        if early_stopping and self._history.best_params is not None:
            self._params[...] = self._history.best_params
            self._buffers[...] = self._history.best_buffers
        self._update_fitted_attributes(epochs, n_samples)
        stopped = hook is not None and hook.stopped
        if not incremental and not converged and not stopped:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _report_stop(self, stop):
        """Warn about an early stop of training, then re-raise unless asked
        (``on_divergence="warn"``) to keep the last finite model."""
        if isinstance(stop, KeyboardInterrupt):
            warnings.warn(
                f"Training was interrupted: {type(self).__name__} keeps the "
                f"model of the last completed epoch ({self.n_iter_}).",
                RuntimeWarning,
                stacklevel=4,
            )
            raise stop
        if self.on_divergence == "raise":
            raise stop
        warnings.warn(str(stop), TrainingDivergedWarning, stacklevel=4)

    def _check_schedule_has_its_quantity(self, incremental):
        """A schedule watching the validation score needs one to watch."""
        schedule = getattr(resolve_solver(self.solver), "learning_rate", None)
        while isinstance(schedule, LinearWarmup):
            schedule = schedule._after()
        if (
            isinstance(schedule, ReduceOnPlateau)
            and schedule.monitor == "validation_score"
            and (incremental or not self.early_stopping)
        ):
            raise ValueError(
                "solver__learning_rate is ReduceOnPlateau(monitor="
                "'validation_score'), but no validation score is computed: it "
                "needs early_stopping=True and fit (not partial_fit). Use "
                "monitor='training_loss' or 'auto' otherwise."
            )

    def _check_solver_fits_the_setting(self, n_samples):
        if self.batch_normalization and self.batch_size == 1:
            raise ValueError(
                "batch_normalization needs batches of 2 samples or more to "
                "estimate the batch statistics; got batch_size=1. Use a larger "
                "batch_size (a single-sample batch at the end of an epoch is "
                "normalized with the running statistics)."
            )
        dropout = self._dropout_rates()
        solver = resolve_solver(self.solver)
        if not getattr(solver, "full_batch", False):
            return
        name = type(solver).__name__
        if any(dropout):
            raise ValueError(
                f"solver={name} needs a deterministic objective: dropout="
                f"{self.dropout!r} draws new masks at every evaluation. Use "
                "dropout=0 or a stochastic solver such as 'adam'."
            )
        if isinstance(self.batch_size, Integral) and self.batch_size < n_samples:
            raise ValueError(
                f"solver={name} is full-batch: batch_size={self.batch_size} is "
                f"smaller than the {n_samples} samples. Set batch_size='full' "
                "(or 'auto', which it reads as full)."
            )
        penalty = resolve_penalty(self.penalty)
        if penalty is not None and penalty.has_prox and self.alpha > 0:
            raise ValueError(
                f"solver={name} needs a smooth objective: penalty="
                f"{self.penalty!r} has an L1 part, applied by a proximal step "
                "that only first-order solvers take. Use penalty='l2' or None, "
                "or a solver such as 'sgd' or 'adam'."
            )

    def _fit_full_batch(self, network, X, Y, sample_weight, hook=None):
        """Fit with a full-batch solver (L-BFGS); early_stopping is ignored."""
        try:
            n_iter, converged = run_full_batch(
                network,
                self._params,
                self.solver_,
                X,
                Y,
                sample_weight=sample_weight,
                max_iter=self.max_iter,
                history=self._history,
                tol=self.tol,
                buffers=self._buffers,
                epoch_offset=self.n_iter_,
                verbose=self.verbose,
                hook=hook,
            )
        except (TrainingDivergedError, KeyboardInterrupt) as stop:
            self._update_fitted_attributes(0, X.shape[0])
            self._report_stop(stop)
            return self
        self._update_fitted_attributes(0, X.shape[0])
        self.t_ += n_iter * X.shape[0]
        if not converged and not (hook is not None and hook.stopped):
            warnings.warn(
                f"L-BFGS stopped without meeting tol={self.tol} after "
                f"{n_iter} iterations (max_iter={self.max_iter}).",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _update_fitted_attributes(self, epochs, n_samples):
        history = self._history
        self.n_iter_ = len(history.loss_curve)
        self.learning_rate_curve_ = list(history.learning_rates)
        self.t_ += epochs * n_samples
        self.loss_curve_ = list(history.loss_curve)
        self.loss_ = history.loss_curve[-1] if history.loss_curve else None
        if history.validation_scores is None:
            self.best_loss_ = history.best_loss
            self.validation_scores_ = None
            self.best_validation_score_ = None
        else:
            self.best_loss_ = None
            self.validation_scores_ = list(history.validation_scores)
            self.best_validation_score_ = history.best_validation_score
        self._set_validation_curves()

    def _set_validation_curves(self):
        """``validation_loss_curve_`` (and scores without early stopping)."""
        curves = getattr(self, "_validation_curves", None)
        if not curves:
            self.validation_loss_curve_ = None
            return
        curves.pad(len(self._history.loss_curve))
        self.validation_loss_curve_ = list(curves.losses)
        if self.validation_scores_ is None:
            self.validation_scores_ = list(curves.scores)

    def _split_validation(self, network, X, Y, y, sample_weight):
        stratify = y if self._stratify_validation(y) else None
        arrays = [X, Y, y] + ([sample_weight] if sample_weight is not None else [])
        split = dict(random_state=self._rng, test_size=self.validation_fraction)
        n_val = int(np.ceil(self.validation_fraction * X.shape[0]))
        if X.shape[0] - n_val < 1:
            raise ValueError(
                f"early_stopping holds out validation_fraction="
                f"{self.validation_fraction} of the {X.shape[0]} samples "
                f"({n_val}), which leaves none to train on. Use more samples, a "
                "smaller validation_fraction or early_stopping=False."
            )
        try:
            parts = train_test_split(*arrays, stratify=stratify, **split)
        except ValueError:
            if stratify is None:
                raise
            # Too few samples per class to stratify: split at random instead.
            parts = train_test_split(*arrays, **split)
        X_tr, X_val, Y_tr, Y_val, y_tr, y_val = parts[:6]
        sw_tr, sw_val = parts[6:8] if sample_weight is not None else (None, None)
        validation = ValidationSet(self, network, X_val, Y_val, y_val, sw_val)
        return X_tr, Y_tr, y_tr, sw_tr, validation

    def _given_validation_set(self, network, val):
        """The ``X_val, y_val, sample_weight_val`` of fit, validated, or None."""
        X_val, y_val, sw_val = val if val is not None else (None, None, None)
        if X_val is None and y_val is None:
            if sw_val is not None:
                raise ValueError("sample_weight_val was given without X_val and y_val.")
            return None
        if X_val is None or y_val is None:
            raise ValueError(
                "X_val and y_val must be given together; got only "
                f"{'X_val' if y_val is None else 'y_val'}."
            )
        X_val, y_val = validate_data(
            self,
            X_val,
            y_val,
            accept_sparse="csr",
            dtype=_FLOAT_DTYPES,
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
            reset=False,
        )
        X_val = X_val.astype(self._params.dtype, copy=False)
        Y_val = self._encode_targets(y_val, False, None, X_val.dtype)
        if (
            y_val.ndim == 2
            and y_val.shape[1] == 1
            and isinstance(self, ClassifierMixin)
        ):
            y_val = column_or_1d(y_val)
        if sw_val is not None:
            sw_val = _check_sample_weight(
                sw_val, X_val, dtype=X_val.dtype, ensure_non_negative=True
            )
        sw_val = self._apply_class_weight(sw_val, y_val, False, X_val.dtype)
        if sw_val is not None and not sw_val.sum() > 0:
            raise ValueError("sample_weight_val must have a positive sum.")
        return ValidationSet(self, network, X_val, Y_val, y_val, sw_val)

    def _stratify_validation(self, y):
        return False

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data; float32 input trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels for classification).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
default=None
            Held-out data, as scikit-learn's histogram gradient boosting: when
            given, ``early_stopping`` scores it instead of splitting off
            ``validation_fraction`` of ``X``, and ``validation_loss_curve_``
            and ``validation_scores_`` record it after every epoch (even
            without early stopping).
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``; required with it.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : object
            The fitted estimator.

        Notes
        -----
        With scikit-learn 1.9 or later, callbacks registered by
        ``set_callbacks`` (:mod:`sklearn.callback`, :mod:`skoptim.callbacks`)
        see a root task ``"fit"`` and one sub-task ``"epoch"`` per epoch (per
        iteration for L-BFGS) whose ``fitted_estimator`` is the model of that
        epoch. A callback returning True at an epoch's end stops training
        there, without a ``ConvergenceWarning``; the estimator is then the
        model of that epoch (of the best one with ``early_stopping=True``).
        ``partial_fit`` reports one leaf task ``"partial_fit"`` per call.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=False,
            val=(X_val, y_val, sample_weight_val),
        )

    # ------------------------------------------------------------------
    # prediction
    def _raw_predict(self, X, outputs=True):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=_FLOAT_DTYPES, reset=False
        )
        X = X.astype(self._params.dtype, copy=False)
        return self._network.predict_raw(
            self._params, X, self._buffers, outputs=outputs
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


_COMMON_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives a linear model (linear or
        logistic regression) trained by the chosen solver.
    activation : {"identity", "logistic", "tanh", "relu", "leaky_relu", \
"elu", "softplus"}, default="relu"
        Activation of the hidden layers.
    solver : str or solver object, default="adam"
        The optimizer: a name from ``skoptim.optimizers.SOLVERS`` ("sgd",
        "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam",
        "adamw", "nadam", "adamax", "radam", "adabelief", "adabound",
        "lbfgs") with default hyperparameters, or a solver object from
        :mod:`skoptim.optimizers` (wrappers included). The object is never
        modified; the fitted copy is ``solver_``. "lbfgs" is full-batch.
    alpha : float, default=1e-4
        Penalty strength :math:`\\lambda`. The objective is the mean loss plus
        ``alpha * R(W)`` (weights only, not biases), independent of the batch
        size. Note that scikit-learn's MLP divides its L2 term by the number
        of samples; here ``alpha`` is the :class:`~sklearn.linear_model.Lasso`
        / ``SGDRegressor`` strength.
    penalty : {"l2", "l1", "elasticnet"}, Penalty or None, default="l2"
        Shape of :math:`R`; see :mod:`skoptim.penalties`. L1 is applied as a
        proximal step, so weights become exactly zero.
    batch_size : int, "auto" or "full", default="auto"
        Samples per update: ``"auto"`` is ``min(200, n_samples)``, ``1`` is
        single-sample SGD, ``"full"`` is full-batch gradient descent. Larger
        values are clipped to the number of samples.
    init : str or Initializer, default="auto"
        Weight initialization (biases start at zero): one of
        ``"glorot_uniform"`` (``"xavier_uniform"``), ``"glorot_normal"``
        (``"xavier_normal"``), ``"he_uniform"``, ``"he_normal"``,
        ``"lecun_normal"``, ``"zeros"``, or an object from
        :mod:`skoptim.initializers`. ``"auto"`` picks He uniform for layers
        followed by relu, leaky_relu or elu and Glorot uniform otherwise.
    loss : str
        The loss, see the class description.
    max_iter : int, default=200
        Maximum number of epochs.
    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score with
        early stopping) that counts as progress.
    n_iter_no_change : int, default=10
        Stop after this many epochs in a row without progress.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (or score the
        ``X_val`` given to ``fit``) and stop when its score stops improving;
        the best parameters are kept. Ignored by full-batch solvers (L-BFGS).
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the shuffling and the validation split.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution; the solver state carries
        over when the solver is unchanged.
    verbose : int, default=0
        0: silent. 1: a progress bar over the epochs on standard error, with
        the latest loss and validation score (tqdm's with the ``progress``
        extra, ``pip install "skoptim[progress]"``; a plain bar otherwise).
        2: a line per epoch on standard output, as scikit-learn prints.
    dropout : float or tuple of float, default=0.0
        Drop probability of the units of every hidden layer (or one per
        hidden layer). Inverted dropout: while training, kept activations are
        scaled by :math:`1/(1-p)`; ``predict`` drops nothing. Masks come from
        ``random_state``, so a fixed seed gives identical models.
    batch_normalization : bool, default=False
        Normalize each hidden layer's pre-activations over the batch, then
        apply a learned scale and shift (in the flat parameter vector, not
        penalized). Running means and variances, kept for inference, are the
        ``batch_norm_running_means_`` / ``batch_norm_running_vars_``
        attributes (epsilon 1e-5, as torch). ``batch_size=1`` is refused; a
        single-sample batch at the end of an epoch is normalized with the
        running statistics.
    batch_norm_momentum : float, default=0.1
        Weight of each batch in the running statistics (torch's convention).
    on_divergence : {"raise", "warn"}, default="raise"
        What happens when training diverges: the loss or a parameter becomes
        non-finite (checked after every batch), an epoch's loss exceeds
        1e10 times the best so far (or 1e10 when that is below 1), or the
        final model predicts non-finite values on the training data.
        Training stops at once and the parameters go back to the latest
        epoch whose model predicts finite values (the curves are trimmed to
        it, the solver state starts afresh); then ``"raise"`` raises
        :class:`~skoptim.TrainingDivergedError` and ``"warn"`` issues a
        :class:`~skoptim.TrainingDivergedWarning` and returns the fitted
        estimator. Either message names the epoch and
        suggests a smaller learning rate. ``partial_fit`` behaves the same.
        A ``KeyboardInterrupt`` during training likewise keeps the last
        completed epoch, warns and is re-raised.
"""

_ATTRIBUTES_DOC = """
    coefs_ : list of ndarray
        Weight matrix of each layer, shape ``(fan_in, fan_out)``: views into
        one flat parameter vector.
    intercepts_ : list of ndarray
        Bias vector of each layer.
    loss_ : float
        Objective (mean loss + penalty) of the last epoch.
    loss_curve_ : list of float
        Objective of each epoch, averaged over its batches.
    learning_rate_curve_ : list of float
        Learning rate of the last update of each epoch (a schedule's value;
        NaN for L-BFGS, which has none).
    best_loss_ : float or None
        Smallest epoch objective; None with early stopping.
    validation_scores_ : list of float or None
        Score on the held-out set per epoch (with early stopping, or with
        ``X_val`` given to ``fit``).
    validation_loss_curve_ : list of float or None
        Objective (mean loss + penalty, as ``loss_curve_``) on the held-out
        set per epoch, in inference mode: the internal split of
        ``early_stopping`` or the ``X_val`` given to ``fit``. Aligned with
        ``loss_curve_``; NaN for epochs trained without a validation set.
    best_validation_score_ : float or None
        Best of ``validation_scores_``.
    n_iter_ : int
        Epochs run (accumulates over ``partial_fit`` and warm starts).
    t_ : int
        Training samples seen by the solver.
    n_layers_ : int
        Layers including input and output.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        Output activation.
    solver_ : Solver
        The fitted copy of the solver; its state is kept for ``partial_fit``.
    n_features_in_ : int
        Number of features seen during fit.
    batch_norm_scales_, batch_norm_shifts_ : list of ndarray
        Learned scale and shift of each hidden layer (empty without batch
        normalization).
    batch_norm_running_means_, batch_norm_running_vars_ : list of ndarray
        Running statistics used at inference.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string column names.
"""


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = (
        """Multi-layer perceptron classifier trained by a pluggable optimizer.

    Binary and multilabel targets use logistic outputs, multiclass targets a
    softmax output. ``loss="log_loss"`` is the cross-entropy (negative
    log-likelihood); ``loss="squared_error"`` puts the half squared error on
    those probabilities, whose gradient vanishes when an output saturates,
    to show why cross-entropy learns faster.
"""
        + _COMMON_DOC.replace(
            "    loss : str\n        The loss, see the class description.\n",
            '    loss : {"log_loss", "squared_error"}, default="log_loss"\n'
            "        Cross-entropy, or squared error on the output probabilities.\n",
        )
        + """    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's classifiers.

    Attributes
    ----------
    classes_ : ndarray
        Class labels."""
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Nesterov
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((16,), solver=Nesterov(learning_rate=0.05),
    ...                     max_iter=300, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """
    )

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        penalty="l2",
        batch_size="auto",
        init="auto",
        loss="log_loss",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dropout=0.0,
        batch_normalization=False,
        batch_norm_momentum=0.1,
        on_divergence="raise",
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            penalty=penalty,
            batch_size=batch_size,
            init=init,
            loss=loss,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dropout=dropout,
            batch_normalization=batch_normalization,
            batch_norm_momentum=batch_norm_momentum,
            on_divergence=on_divergence,
        )
        self.class_weight = class_weight

    def _output_activation(self):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _encode_targets(self, y, first_call, classes, dtype):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if first_call:
            binarizer = LabelBinarizer()
            if classes is not None and not type_of_target(y).startswith("multilabel"):
                binarizer.fit(classes)
                unknown = np.setdiff1d(np.unique(y), binarizer.classes_)
                if unknown.size:
                    raise ValueError(
                        f"y contains labels {unknown.tolist()} that are not in "
                        f"classes={binarizer.classes_.tolist()}."
                    )
            else:
                binarizer.fit(y)
            if binarizer.classes_.size < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, "
                    f"but the data contains only one class: "
                    f"{binarizer.classes_.tolist()}."
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        else:
            self._check_known_labels(y, classes)
        if self._label_binarizer.y_type_ == "multiclass":
            codes = np.searchsorted(self.classes_, y)
            return OneHotLabels(codes, self.classes_.size, dtype)
        return self._label_binarizer.transform(y).astype(dtype, copy=False)

    def _check_known_labels(self, y, classes):
        if classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the classes "
                f"of the first call to partial_fit: {self.classes_.tolist()}."
            )
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that were not seen in the "
                f"first fit or partial_fit call (classes_={self.classes_.tolist()}); "
                "warm_start and partial_fit need the same classes."
            )

    def _apply_class_weight(self, sample_weight, y, incremental, dtype):
        if self.class_weight is None:
            return sample_weight
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the "
                "class frequencies of the whole data are unknown. Pass a dict."
            )
        if isinstance(self.class_weight, dict):
            if self._label_binarizer.y_type_.startswith("multilabel"):
                raise ValueError(
                    "class_weight as a dict is not supported for multilabel "
                    "targets (whose classes are the columns of y); use "
                    "class_weight='balanced' or sample_weight."
                )
            unknown = set(self.class_weight) - set(self.classes_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight names classes {sorted(unknown, key=str)} that "
                    f"are not in the data (classes_={self.classes_.tolist()})."
                )
            bad = {
                label: weight
                for label, weight in self.class_weight.items()
                if not (isinstance(weight, Real) and 0 <= weight < np.inf)
            }
            if bad:
                raise ValueError(
                    "class_weight values must be finite non-negative numbers; "
                    f"got {bad}."
                )
        weights = compute_sample_weight(self.class_weight, y).astype(dtype)
        return weights if sample_weight is None else weights * sample_weight

    def _check_weighted_targets(self, y, sample_weight):
        if sample_weight is None or self._label_binarizer.y_type_.startswith(
            "multilabel"
        ):
            return
        weighted = np.unique(np.asarray(y)[sample_weight > 0])
        if weighted.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with "
                f"a positive sample_weight; only class {weighted.tolist()} has "
                "any weight."
            )

    def _stratify_validation(self, y):
        return self._label_binarizer.y_type_ != "multilabel-indicator"

    def _outputs_to_labels(self, logits):
        if self._label_binarizer.y_type_ == "multiclass":
            return self.classes_[np.argmax(logits, axis=1)]
        indicator = (logits > 0).astype(int)
        return self._label_binarizer.inverse_transform(indicator)

    def _score_outputs(self, logits, out, y, sample_weight):
        labels = self._outputs_to_labels(logits)
        return accuracy_score(y, labels, sample_weight=sample_weight)

    @available_if(_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one epoch over the given data.

        Calls over consecutive chunks of ``b`` rows are, bit for bit, one
        epoch of ``fit`` over their concatenation with ``shuffle=False`` and
        ``batch_size=b`` (without ``sample_weight``, which each call
        normalizes by its own mean). A fixed ``random_state`` makes the
        first call's initialization reproducible.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            All classes across calls; required on the first call unless y is
            a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        if not hasattr(self, "_params") and classes is None:
            if not type_of_target(y).startswith("multilabel"):
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        logits, _ = self._raw_predict(X, outputs=False)
        return self._outputs_to_labels(logits)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        logits, out = self._raw_predict(X)
        if self._label_binarizer.y_type_ == "binary":
            # expit(-z) rather than 1 - expit(z): no cancellation to 0
            return np.hstack([expit(-logits), out])
        return out

    def predict_log_proba(self, X):
        """Log of the class probabilities, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        logits, _ = self._raw_predict(X, outputs=False)
        if self._label_binarizer.y_type_ == "multiclass":
            return log_softmax(logits, axis=1)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([log_expit(-logits), log_expit(logits)])
        return log_expit(logits)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = (
        """Multi-layer perceptron regressor trained by a pluggable optimizer.

    The output layer is linear and the loss is the half squared error
    :math:`\\tfrac12 \\lVert y - o \\rVert^2` per sample, averaged. With
    ``hidden_layer_sizes=()`` it is linear regression: with ``penalty="l2"`` it
    converges to ``Ridge(alpha=alpha * n_samples)``, with ``penalty="l1"`` to
    ``Lasso(alpha=alpha)``.
"""
        + _COMMON_DOC.replace(
            "    loss : str\n        The loss, see the class description.\n",
            '    loss : {"squared_error"}, default="squared_error"\n'
            "        Half squared error.\n",
        )
        + """
    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skoptim import MLPRegressor
    >>> from skoptim.optimizers import SGD
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = MLPRegressor((), solver=SGD(0.1), batch_size="full", alpha=0.0,
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """
    )

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        penalty="l2",
        batch_size="auto",
        init="auto",
        loss="squared_error",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dropout=0.0,
        batch_normalization=False,
        batch_norm_momentum=0.1,
        on_divergence="raise",
    ):
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            penalty=penalty,
            batch_size=batch_size,
            init=init,
            loss=loss,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dropout=dropout,
            batch_normalization=batch_normalization,
            batch_norm_momentum=batch_norm_momentum,
            on_divergence=on_divergence,
        )

    def _output_activation(self):
        return "identity"

    def _encode_targets(self, y, first_call, classes, dtype):
        y = np.asarray(y, dtype=dtype)
        if first_call:
            self._y_ndim = y.ndim
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not first_call and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} output(s), the model was fitted with "
                f"{self.n_outputs_}."
            )
        return Y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _score_outputs(self, logits, out, y, sample_weight):
        pred = out.ravel() if y.ndim == 1 else out
        return r2_score(y, pred, sample_weight=sample_weight)

    @available_if(_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Calls over consecutive chunks of ``b`` rows are, bit for bit, one
        epoch of ``fit`` over their concatenation with ``shuffle=False`` and
        ``batch_size=b`` (without ``sample_weight``, which each call
        normalizes by its own mean). A fixed ``random_state`` makes the
        first call's initialization reproducible.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        _, out = self._raw_predict(X)
        return out.ravel() if self._y_ndim == 1 else out
