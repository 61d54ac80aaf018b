"""Writes scipy.stats' answers on seeded random inputs, as JSON, for ScipyParityTests.

Run with a Python that has scipy (the MLflow environment's, scripts/mlflow python):
    python make_scipy_reference.py > scipy_reference.json
The tests run it live when EXPCTL_TEST_PYTHON has scipy, and read the committed
scipy_reference.json otherwise. The inputs are part of the output, so the Swift side never
needs numpy's generator.
"""
import json
import sys

import numpy as np
import scipy
import scipy.stats as st

rng = np.random.default_rng(20261201)


def floats(array):
    return [float(v) for v in array]


def normal_cdf_cases():
    xs = np.concatenate([rng.uniform(-37, 8, 150), rng.uniform(-3, 3, 50)])
    return [{"x": float(x), "cdf": float(st.norm.cdf(x)), "sf": float(st.norm.sf(x))} for x in xs]


def normal_quantile_cases():
    ps = np.concatenate(
        [10.0 ** rng.uniform(-300, -1, 80), rng.uniform(0.01, 0.99, 60), 1 - 10.0 ** rng.uniform(-15, -1, 40)]
    )
    return [{"p": float(p), "ppf": float(st.norm.ppf(p))} for p in ps]


def student_t_cases():
    cases = []
    for _ in range(300):
        nu = float(10.0 ** rng.uniform(np.log10(0.5), 5))
        t = float(rng.uniform(-8, 8))
        cases.append({"t": t, "df": nu, "cdf": float(st.t.cdf(t, nu)), "sf": float(st.t.sf(t, nu))})
    return cases


def chi_square_cases():
    cases = []
    for _ in range(300):
        k = float(rng.integers(1, 51)) if rng.uniform() < 0.7 else float(rng.uniform(0.5, 50))
        x = float(rng.uniform(0, 200))
        cases.append({"x": x, "df": k, "sf": float(st.chi2.sf(x, k))})
    return cases


def paired_t_cases():
    cases = []
    for _ in range(40):
        n = int(rng.integers(2, 80))
        base = rng.uniform(0.2, 0.9, n)
        cand = base + rng.normal(float(rng.uniform(-0.05, 0.03)), float(rng.uniform(0.005, 0.1)), n)
        delta = float(rng.choice([0.0, 0.005, 0.01, 0.02]))
        r = st.ttest_rel(cand + delta, base, alternative="less")
        cases.append({"candidate": floats(cand), "baseline": floats(base), "delta": delta,
                      "statistic": float(r.statistic), "pvalue": float(r.pvalue), "df": float(r.df)})
    return cases


def wilcoxon_asymptotic_cases():
    cases = []
    for _ in range(40):
        n = int(rng.integers(5, 120))
        base = rng.uniform(0.2, 0.9, n)
        cand = base + rng.standard_t(3, n) * float(rng.uniform(0.01, 0.05)) - float(rng.uniform(0, 0.03))
        delta = float(rng.choice([0.0, 0.01]))
        plain = st.wilcoxon(cand + delta, base, alternative="less", method="asymptotic")
        corrected = st.wilcoxon(cand + delta, base, alternative="less", method="asymptotic", correction=True)
        cases.append({"candidate": floats(cand), "baseline": floats(base), "delta": delta,
                      "statistic": float(plain.statistic), "pvalue": float(plain.pvalue),
                      "pvalue_corrected": float(corrected.pvalue)})
    return cases


def wilcoxon_automatic_cases():
    """scipy's method='auto': the exact path (no ties, no zeros, n <= 50) and the permutation
    path (integer scores with ties and zeros, n <= 13), whose differences are exact in floats."""
    cases = []
    for i in range(40):
        if i % 2 == 0:
            n = int(rng.integers(5, 51))
            base = rng.uniform(0.2, 0.9, n)
            cand = base + rng.normal(-0.01, 0.03, n)
        else:
            n = int(rng.integers(4, 14))
            base = rng.integers(0, 6, n).astype(float)
            cand = base + rng.integers(-3, 3, n).astype(float)
            if np.all(cand == base):
                cand[0] -= 1
        r = st.wilcoxon(cand, base, alternative="less")
        cases.append({"candidate": floats(cand), "baseline": floats(base), "delta": 0.0,
                      "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
    return cases


def chi_square_goodness_of_fit_cases():
    cases = []
    for _ in range(40):
        k = int(rng.integers(2, 6))
        weights = rng.uniform(0.05, 1, k)
        total = int(rng.integers(100, 200_000))
        probabilities = weights / weights.sum()
        skewed = probabilities * rng.uniform(0.97, 1.03, k)
        observed = rng.multinomial(total, skewed / skewed.sum())
        expected = observed.sum() * weights / weights.sum()
        r = st.chisquare(f_obs=observed, f_exp=expected)
        cases.append({"observed": [int(o) for o in observed], "weights": floats(weights),
                      "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
    return cases


reference = {
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "normal_cdf": normal_cdf_cases(),
    "normal_quantile": normal_quantile_cases(),
    "student_t": student_t_cases(),
    "chi_square": chi_square_cases(),
    "paired_t": paired_t_cases(),
    "wilcoxon_asymptotic": wilcoxon_asymptotic_cases(),
    "wilcoxon_automatic": wilcoxon_automatic_cases(),
    "chi_square_goodness_of_fit": chi_square_goodness_of_fit_cases(),
}
json.dump(reference, sys.stdout, indent=None, separators=(",", ":"))
sys.stdout.write("\n")
