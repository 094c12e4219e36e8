# The workbook's Jupyter server configuration, used by `make lab`, `workbook lab`
# and the browser tests (`jupyter lab --config=<this file>`): notebooks are
# saved clean (no outputs, widget state or client data), the server listens on
# 127.0.0.1 only, and kernels get an absolute data folder and this server's
# record of the client chosen on the start page. See workbook/labserver.py.
from workbook.labserver import configure

configure(c)  # noqa: F821 - `c` is the configuration object Jupyter provides
