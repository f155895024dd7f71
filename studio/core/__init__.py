"""The studio's Qt-free core: specs, model building, the run (:class:`Session`) and file I/O.

Nothing here imports Qt; the GUI, the CLI, the torch.nn twin, experiments and the tests all
drive a :class:`Session` (:func:`train` is a fresh session's run).
"""

from __future__ import annotations

from .build import (
    TEST_SEED_OFFSET,
    Dataset,
    build_loss,
    build_model,
    build_optimizer,
    make_data,
    resolve_device,
    targets_for,
    torch_dtype,
)
from .engine import train
from .evaluation import RunStopped, predict_grid
from .io import (
    StudioIOError,
    atomic_write_bytes,
    atomic_write_text,
    load_spec,
    read_curves_csv,
    save_spec,
    write_curves_csv,
)
from .records import CSV_COLUMNS, METRIC_LABELS, METRICS, CurveRow, EpochReport
from .session import Session, Snapshot
from .spec import (
    ACTIVATIONS,
    DATASETS,
    DEVICES,
    DTYPES,
    INITS,
    LOSSES,
    MAX_SEED,
    OPTIMIZERS,
    SCHEMA_VERSION,
    DataSpec,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    SpecError,
    from_dict,
    from_json,
    to_dict,
    to_json,
)
from .weights import WeightsError, load_weights, save_weights

__all__ = [
    "ACTIVATIONS", "CSV_COLUMNS", "DATASETS", "DEVICES", "DTYPES", "INITS", "LOSSES",
    "MAX_SEED", "METRICS", "METRIC_LABELS", "OPTIMIZERS", "SCHEMA_VERSION", "TEST_SEED_OFFSET",
    "CurveRow", "DataSpec", "Dataset", "EpochReport", "LayerSpec", "OptimizerSpec", "RunSpec",
    "RunStopped", "Session", "Snapshot", "SpecError", "StudioIOError", "WeightsError",
    "atomic_write_bytes", "atomic_write_text", "build_loss", "build_model", "build_optimizer",
    "from_dict", "from_json", "load_spec", "load_weights", "make_data", "predict_grid",
    "read_curves_csv", "resolve_device", "save_spec", "save_weights", "targets_for", "to_dict",
    "to_json", "torch_dtype", "train", "write_curves_csv",
]
