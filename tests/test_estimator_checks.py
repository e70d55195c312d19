"""scikit-learn's estimator checks over both estimators in many configurations."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim import MLPClassifier, MLPRegressor
from skoptim.initializers import HeNormal
from skoptim.optimizers import (
    SGD,
    AdaBelief,
    AdaBound,
    Adam,
    GradientClipping,
    Lookahead,
    Momentum,
    NAdam,
    Nesterov,
    RMSprop,
)
from skoptim.penalties import ElasticNet
from skoptim.schedules import ExponentialDecay, ReduceOnPlateau


def _configs(cls):
    """Configurations covering every solver, penalty and batch mode."""
    base = dict(hidden_layer_sizes=(16,), max_iter=200, random_state=0)
    lr = 0.01
    return [
        cls(random_state=0),
        cls(**base, solver=SGD(lr)),
        cls(**base, solver="rmsprop"),
        cls(**base, solver=Momentum(learning_rate=lr)),
        cls(**base, solver=Nesterov(learning_rate=lr, momentum=0.8)),
        cls(**base, solver=Adam(learning_rate=0.01, amsgrad=True)),
        cls(**base, penalty="l1", alpha=1e-3),
        cls(**base, penalty=ElasticNet(l1_ratio=0.5)),
        cls(**base, penalty=None, init=HeNormal()),
        cls(hidden_layer_sizes=(), solver=SGD(learning_rate=lr), random_state=0),
        cls(**base, batch_size="full", solver=Adam(learning_rate=0.05)),
        cls(**base, batch_size=1, solver=SGD(learning_rate=lr), activation="tanh"),
        cls(**base, solver="lbfgs"),
        cls(**base, solver=AdaBelief(learning_rate=0.01), activation="elu"),
        cls(**base, solver=AdaBound(learning_rate=0.01), penalty="l1", alpha=1e-4),
        cls(
            **base,
            solver=RMSprop(ExponentialDecay(0.01, gamma=0.999), centered=True),
            activation="softplus",
        ),
        cls(
            **base,
            solver=Lookahead(GradientClipping(Adam(0.01), max_norm=5.0)),
            activation="leaky_relu",
        ),
        cls(
            **base,
            solver=NAdam(learning_rate=ReduceOnPlateau(0.01, patience=2)),
            activation="logistic",
            loss="squared_error" if cls is MLPRegressor else "log_loss",
        ),
        cls(**base, batch_normalization=True, dropout=0.2, solver=Adam(0.01)),
        cls(
            hidden_layer_sizes=(16, 8),
            batch_normalization=True,
            dropout=(0.1, 0.0),
            solver=Momentum(learning_rate=lr),
            batch_size=32,
            max_iter=200,
            random_state=0,
        ),
        cls(
            **base,
            early_stopping=True,
            validation_fraction=0.2,
            solver=Adam(learning_rate=0.01),
        ),
    ]


# Why each expected failure is acceptable:
_STOCHASTIC_SAMPLE_WEIGHT = (
    "mini-batch training draws different batches when samples are repeated "
    "instead of weighted, so the two fits follow different paths; when a "
    "batch holds all samples (batch_size='full', or 'auto' on the checks' "
    "small data) the equivalence holds and is checked"
)
_EARLY_STOPPING_SAMPLE_WEIGHT = (
    "early_stopping holds out a random validation split, which differs "
    "between repeated and weighted data"
)

_SGD_UNSCALED_TARGETS = (
    "the check fits raw make_regression targets (values in the hundreds); "
    "plain and momentum SGD through unbounded relu layers, at a learning rate "
    "suited to standardized data, diverge there, and the fit says so "
    "(TrainingDivergedError) instead of returning NaN weights"
)
_UNSCALED_FEATURES = (
    "the check fits features centred at 100; at a learning rate suited to "
    "standardized data, SGD on the linear model and AdaBelief through elu "
    "layers take steps that grow the loss by over ten orders of magnitude in "
    "a few epochs, and the fit says so (TrainingDivergedError) instead of "
    "returning a model that predicts values in the millions"
)
_LBFGS_TOLERANCE = (
    "L-BFGS stops at tol=1e-4 on the projected gradient; weighted and "
    "repeated data define the same objective, but rounding makes the two runs "
    "stop about 1e-6 apart, above the check's 1e-7"
)


_DROPOUT_BATCH_NORM_SAMPLE_WEIGHT = (
    "dropout draws one mask per row, so a repeated row gets independent masks "
    "where a weighted row gets one; batch normalization's statistics count "
    "rows, not weights, as torch's BatchNorm1d does"
)


def _expected_failed_checks(estimator):
    failures = {}
    if estimator.batch_normalization or np.any(estimator.dropout):
        for check in ("dense", "sparse"):
            failures[f"check_sample_weight_equivalence_on_{check}_data"] = (
                _DROPOUT_BATCH_NORM_SAMPLE_WEIGHT
            )
    if estimator.solver == "lbfgs" and isinstance(estimator, MLPRegressor):
        for check in ("dense", "sparse"):
            failures[f"check_sample_weight_equivalence_on_{check}_data"] = (
                _LBFGS_TOLERANCE
            )
    sgd_family = estimator.solver == "sgd" or isinstance(
        estimator.solver, (SGD, Momentum)
    )
    # Batch normalization does not save them: it rescales the hidden layers,
    # not the output layer's steps towards targets in the hundreds (the
    # momentum config with batch norm and dropout diverges for 5 of random
    # seeds 0-5; seed 0 got through on an earlier draw of dropout masks).
    relu_net = estimator.hidden_layer_sizes and estimator.activation == "relu"
    if isinstance(estimator, MLPRegressor) and sgd_family and relu_net:
        failures["check_regressor_multioutput"] = _SGD_UNSCALED_TARGETS
    explodes_on_unscaled_features = (
        isinstance(estimator.solver, SGD) and estimator.hidden_layer_sizes == ()
    ) or (isinstance(estimator.solver, AdaBelief) and estimator.activation == "elu")
    if isinstance(estimator, MLPRegressor) and explodes_on_unscaled_features:
        for check in ("fit_idempotent", "fit_check_is_fitted", "n_features_in"):
            failures[f"check_{check}"] = _UNSCALED_FEATURES
    if not isinstance(estimator.batch_size, str):
        failures["check_sample_weight_equivalence_on_dense_data"] = (
            _STOCHASTIC_SAMPLE_WEIGHT
        )
        failures["check_sample_weight_equivalence_on_sparse_data"] = (
            _STOCHASTIC_SAMPLE_WEIGHT
        )
    if estimator.early_stopping:
        failures["check_sample_weight_equivalence_on_dense_data"] = (
            _EARLY_STOPPING_SAMPLE_WEIGHT
        )
        failures["check_sample_weight_equivalence_on_sparse_data"] = (
            _EARLY_STOPPING_SAMPLE_WEIGHT
        )
    return failures


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    _configs(MLPClassifier) + _configs(MLPRegressor),
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
