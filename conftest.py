"""Test-run settings for the whole repository (loaded before any test or notebook).

On a 2-core machine, ``pytest -n 2`` already keeps both cores busy; letting
OpenBLAS start extra threads in every worker and every notebook kernel only
makes them wait for each other (small matrix products then run several
times slower). One BLAS thread per process is the default for the test run;
an explicit ``OPENBLAS_NUM_THREADS=...`` on the command line still wins, and
printed numbers are rounded so both settings give the same stored outputs.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
