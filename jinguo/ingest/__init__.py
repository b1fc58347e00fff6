"""Importing the registers provinces keep (CSV or XLSX): read, validate every row, report every
problem, load all or nothing.

- :mod:`.registry`  datasets, fields and the enum lists (defined once);
- :mod:`.read`      bytes -> frame of strings (decoding, sheet, header row, merged cells, blank and totals rows);
- :mod:`.office`    workbooks (xls, xlsx, xlsm, xlsb, ods, WPS et) told by content, read with python-calamine;
- :mod:`.cells`     hand-typed cells normalised column by column, each change counted;
- :mod:`.mappings`  column mappings given by hand, remembered per province;
- :mod:`.validate`  regions, per-column checks, the :class:`Report`;
- :mod:`.store`     the transactional load into the analytics file (copy, change, rename);
- :mod:`.service`   the one load-and-audit sequence the page and the CLI share;
- :mod:`.messages`, :mod:`.templates`, :mod:`.cli`.
"""

from jinguo.ingest.load import load, plan
from jinguo.ingest.messages import message, rejects_csv, report_frame
from jinguo.ingest.read import MAX_BYTES, UPLOAD_TYPES, read_table
from jinguo.ingest.service import apply, run_import
from jinguo.ingest.validate import Report, validate
from jinguo.store.datasets import DATASETS, Dataset, Field, ImportError_
from jinguo.store.registers import Busy

__all__ = ["DATASETS", "MAX_BYTES", "UPLOAD_TYPES", "Busy", "Dataset", "Field", "ImportError_", "Report", "apply", "load",
           "message", "plan", "read_table", "rejects_csv", "report_frame", "run_import", "validate"]
