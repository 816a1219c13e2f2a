#!/usr/bin/env python3
"""statsmodels reference timing for `npm run bench`: OLS fit (with summary statistics) on n rows x k regressors.
Run with Debian's python: /usr/bin/python3 bench/ols_statsmodels.py 100000 20"""
import sys, time, json
import numpy as np, statsmodels.api as sm
n, k = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
X = sm.add_constant(rng.normal(size=(n, k)))
y = X @ rng.normal(size=k + 1) + rng.normal(size=n)
times = []
for _ in range(5):
    t0 = time.perf_counter()
    r = sm.OLS(y, X).fit()
    _ = (r.bse, r.pvalues, r.conf_int(), r.rsquared_adj, r.fvalue, r.f_pvalue, r.llf, r.aic, r.bic, r.condition_number)
    times.append(time.perf_counter() - t0)
print(json.dumps({"median_ms": sorted(times)[2] * 1000, "statsmodels": sm.__version__ if hasattr(sm, "__version__") else None}))
