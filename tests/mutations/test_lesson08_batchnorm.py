"""Mutation suite for 08.batchnorm_forward / 08.batchnorm_backward: plausible wrong implementations
that the checkers must reject (raising CheckFailed, as a check cell would), and the reference they accept."""
import numpy as np
import pytest

from cnncourse import checks
from cnncourse.checks.registry import CheckFailed
from cnncourse.ops import batchnorm_backward as reference_backward
from cnncourse.ops import batchnorm_forward as reference_forward


def _forward(x, gamma, beta, bn_param, *, ddof=0, eps_inside=True, running_in_train=False, swap_momentum=False,
             axes_first_only=False, keep_running=False, batch_stats_in_test=False, fixed_eps=None, fixed_momentum=None,
             in_place=False):
    """A configurable forward pass; the defaults are the correct one."""
    mode, eps, momentum = bn_param["mode"], bn_param.get("eps", 1e-3), bn_param.get("momentum", 0.99)
    eps = eps if fixed_eps is None else fixed_eps                        # a constant instead of bn_param["eps"]
    momentum = momentum if fixed_momentum is None else fixed_momentum
    axes = (0,) if axes_first_only else tuple(range(x.ndim - 1))
    rm, rv = bn_param["running_mean"], bn_param["running_var"]
    if mode == "train" and not running_in_train:
        mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=ddof)
        if not keep_running:
            a, b = (1 - momentum, momentum) if swap_momentum else (momentum, 1 - momentum)
            bn_param["running_mean"] = a * rm + b * mean
            bn_param["running_var"] = a * rv + b * var
    elif mode == "test" and batch_stats_in_test:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    else:
        mean, var = rm, rv
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    if in_place:                                                         # x -= mean; x /= std: the caller's x is gone
        x -= mean
        x /= std
        return gamma * x + beta, (x.copy(), x, gamma, mean, std, axes)
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, (x, x_hat, gamma, mean, std, axes)


FORWARD_MUTANTS = {
    "unbiased variance (ddof=1) like torch's running variance": dict(ddof=1),
    "eps outside the square root": dict(eps_inside=False),
    "running statistics used in training mode": dict(running_in_train=True),
    "momentum weights swapped in the running update": dict(swap_momentum=True),
    "statistics over the batch axis only for 4-D inputs": dict(axes_first_only=True),
    "running statistics never updated": dict(keep_running=True),
    "batch statistics used at inference": dict(batch_stats_in_test=True),
    "eps hard-coded to Keras' 1e-3 instead of read from bn_param": dict(fixed_eps=1e-3),
    "momentum hard-coded to cs231n's 0.9 instead of read from bn_param": dict(fixed_momentum=0.9),
    "x normalised in place (x -= mean; x /= std)": dict(in_place=True),
}


@pytest.mark.parametrize("options, match", [
    pytest.param(dict(fixed_eps=1e-3), "eps and momentum read from bn_param", id="eps-hard-coded"),
    pytest.param(dict(fixed_momentum=0.9), "momentum=0.99", id="momentum-hard-coded"),
    pytest.param(dict(in_place=True), "changed its input `x` in place", id="x-normalised-in-place"),
])
def test_forward_checker_names_the_constant_or_the_in_place_update(options, match):
    with pytest.raises(CheckFailed, match=match):
        checks.batchnorm_forward(lambda x, g, b, p: _forward(x, g, b, p, **options))


@pytest.mark.parametrize("mutant", list(FORWARD_MUTANTS))
def test_forward_checker_rejects(mutant):
    options = FORWARD_MUTANTS[mutant]
    with pytest.raises(CheckFailed):
        checks.batchnorm_forward(lambda x, g, b, p: _forward(x, g, b, p, **options))


def test_forward_checker_accepts_reference_and_correct_variant(capsys):
    checks.batchnorm_forward(reference_forward)
    checks.batchnorm_forward(lambda x, g, b, p: _forward(x, g, b, p))
    assert capsys.readouterr().out.count("passed") == 2


def _backward(dout, cache, *, mean_terms=True, var_term=True, average=False, dbeta_mean=False, dgamma_plain=False):
    x, x_hat, gamma, mean, std, axes = cache
    m = dout.size // dout.shape[-1]
    dbeta = dout.mean(axis=axes) if dbeta_mean else dout.sum(axis=axes)
    dgamma = dout.sum(axis=axes) if dgamma_plain else (dout * x_hat).sum(axis=axes)
    dx_hat = dout * gamma
    dx = dx_hat / std
    if var_term:
        dvar = np.sum(dx_hat * (x - mean), axis=axes) * -0.5 * std ** -3
        dx = dx + dvar * 2 * (x - mean) / m
    if mean_terms:
        dx = dx - np.sum(dx_hat / std, axis=axes) / m
    if average:
        dx, dgamma, dbeta = dx / m, dgamma / m, dbeta / m
    return dx, dgamma, dbeta


BACKWARD_MUTANTS = {
    "missing the mean terms": dict(mean_terms=False),
    "variance treated as a constant": dict(var_term=False),
    "mean and variance both treated as constants": dict(mean_terms=False, var_term=False),
    "gradients averaged over the batch instead of summed": dict(average=True),
    "dbeta as a mean": dict(dbeta_mean=True),
    "dgamma without x_hat": dict(dgamma_plain=True),
}


@pytest.mark.parametrize("mutant", list(BACKWARD_MUTANTS))
def test_backward_checker_rejects(mutant):
    options = BACKWARD_MUTANTS[mutant]
    forward = lambda x, g, b, p: _forward(x, g, b, p)  # noqa: E731 - the correct forward with its own cache
    with pytest.raises(CheckFailed):
        checks.batchnorm_backward(lambda dout, cache: _backward(dout, cache, **options), forward)


def test_backward_checker_accepts_reference_and_staged_version(capsys):
    checks.batchnorm_backward(reference_backward, reference_forward)
    checks.batchnorm_backward(lambda dout, cache: _backward(dout, cache), lambda x, g, b, p: _forward(x, g, b, p))
    assert capsys.readouterr().out.count("passed") == 2
