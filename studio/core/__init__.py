"""The studio's Qt-free core: specs, model building, the training engine and file I/O.

Nothing here imports Qt; the GUI, the CLI and the tests all drive :func:`train`.
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
from .engine import EpochReport, predict_grid, train
from .io import (
    CSV_COLUMNS,
    CurveRow,
    StudioIOError,
    atomic_write_bytes,
    atomic_write_text,
    load_spec,
    read_curves_csv,
    save_spec,
    write_curves_csv,
)
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
    "MAX_SEED", "OPTIMIZERS", "SCHEMA_VERSION", "TEST_SEED_OFFSET",
    "CurveRow", "DataSpec", "Dataset", "EpochReport", "LayerSpec", "OptimizerSpec", "RunSpec",
    "SpecError", "StudioIOError", "WeightsError",
    "atomic_write_bytes", "atomic_write_text", "build_loss", "build_model", "build_optimizer",
    "from_dict", "from_json", "load_spec", "load_weights", "make_data", "predict_grid",
    "read_curves_csv", "resolve_device", "save_spec", "save_weights", "targets_for", "to_dict",
    "to_json", "torch_dtype", "train", "write_curves_csv",
]
