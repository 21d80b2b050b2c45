"""What the command-line entry points share: composing and checking a configuration before
any work, and turning every problem into exit code 2 and one line.

`precheck(argv)` composes the configuration the way Hydra will (for a sweep: once per
swept value, launcher and sweeper included) and validates it, so unknown groups, keys
and malformed values end with `influsim: error: <key>: <reason>` before Hydra prints
its own multi-line report. Hydra is imported only here and in the entry points.
"""
from __future__ import annotations

import sys
from pathlib import Path

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from . import sweep  # noqa: F401  (registers hydra/sweeper=influsim, which configs/config.yaml selects)
from .checks import validate
from .config import Config, check_keys
from .errors import ConfigError, DataError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
EXIT_BAD_INPUT = 2
ConfigStore.instance().store(name="config_schema", node=Config)      # the schema configs/config.yaml extends
FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                    "--config-dir", "-cd", "--experimental-rerun", "--info", "-i"}


def fail(message: str) -> None:
    print(f"influsim: error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def to_config(dcfg: DictConfig) -> Config:
    """Hydra's DictConfig (without the hydra node) -> the typed, validated Config; a key the
    schema does not know (e.g. `+population.consumer=5`, a typo) is an error."""
    check_keys(OmegaConf.to_container(OmegaConf.masked_copy(dcfg, [k for k in dcfg if k != "hydra"]),
                                      resolve=True))
    plain = OmegaConf.to_object(OmegaConf.masked_copy(dcfg, list(Config.__dataclass_fields__)))
    cfg = Config(**plain) if isinstance(plain, dict) else plain
    from .inference import apply_calibration
    if cfg.calibration:
        cfg = apply_calibration(cfg, cfg.calibration)
    if cfg.plan:
        cfg = apply_calibration(cfg, cfg.plan, "plan")
    return validate(cfg)


def error_line(err: BaseException) -> str:
    """One line that keeps the reason: Hydra's and OmegaConf's messages often put it in the
    cause ("Error merging override X") or on a later line."""
    parts = []
    while err is not None and len(parts) < 3:
        lines = [line.strip() for line in str(err).strip().splitlines() if line.strip() and line.strip() != "None"
                 and not line.strip().startswith(("full_key:", "object_type=", "reference_type=", "Set the env",
                                                  "See https://hydra.cc"))]
        parts += [line for line in lines[:2] if line not in parts]
        err = err.__cause__ or err.__context__
    return ": ".join(parts) or "invalid command line"


def is_override(arg: str) -> bool:
    return not arg.startswith("-") and ("=" in arg or arg.startswith("~"))


def order_arguments(argv: list[str]) -> list[str]:
    """Flags (and their values) first, overrides last: Hydra's parser needs them so, and a
    user may well type `python -m sim.run run.seed=3 --cfg job`."""
    flags, overrides, k = [], [], 0
    while k < len(argv):
        arg = argv[k]
        if arg in FLAGS_WITH_VALUE and k + 1 < len(argv) and not is_override(argv[k + 1]):
            flags += argv[k:k + 2]
            k += 2
            continue
        (overrides if is_override(arg) else flags).append(arg)
        k += 1
    return flags + overrides


def _single_values(overrides: list[str]) -> list[list[str]]:
    """For a sweep: override lists with one value per swept key, covering every value once."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    parsed = OverridesParser.create().parse_overrides(overrides)
    fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
    swept = [(o.get_key_element(), list(o.sweep_string_iterator())) for o in parsed if o.is_sweep_override()]
    first = [f"{key}={values[0]}" for key, values in swept if values]
    combos = [fixed + first]
    for k, (key, values) in enumerate(swept):
        combos += [fixed + first[:k] + [f"{key}={value}"] + first[k + 1:] for value in values[1:]]
    return combos


def _compose(overrides: list[str]):
    from hydra import compose, initialize_config_dir
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=overrides, return_hydra_config=True)


def launch(task, argv: list[str] | None) -> None:
    """Run a Hydra entry point's task on `argv` (default: the command line's), after the
    checks every entry point shares (numba's cache, the composed configuration)."""
    from .numba_cache import repair
    argv = order_arguments(sys.argv[1:] if argv is None else list(argv))
    repair()
    precheck(argv)
    sys.argv = sys.argv[:1] + argv
    task()


def composed(*overrides: str) -> Config:
    """The configuration `python -m sim.run OVERRIDES` would run, typed and validated: the
    default market of configs/ from Python (plain `Config()` has every market mechanism off)."""
    from hydra import compose, initialize_config_dir
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def precheck(argv: list[str]) -> Config | None:
    """Compose and validate every configuration the command would run (a sweep: each swept
    value once, the named sweep's values too; launcher and sweeper included); exit 2 with
    one line on the first problem, else return the (first) configuration. Hydra's own
    flags (--help, --cfg, ...) are Hydra's (None is returned)."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException
    flags = [a for a in argv if a.startswith("-")]
    if any(f in ("--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--shell-completion", "-sc")
           for f in flags):
        return None
    problem = run_dir_problem(argv)
    if problem:
        fail(problem)
    overrides = [a for a in argv if not a.startswith("-")]
    _check_syntax(overrides)
    composed = {}                          # combo -> its composition (a sweep's first one is needed twice)

    def compose_once(combo):
        if tuple(combo) not in composed:
            composed[tuple(combo)] = _compose(combo)
        return composed[tuple(combo)]
    try:
        if any(f in ("-m", "--multirun") for f in flags):
            params = compose_once(_single_values(overrides)[0]).hydra.sweeper.get("params") or {}
            given = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
            overrides = overrides + [f"{key}={value}" for key, value in params.items() if key not in given]
            combos = _single_values(overrides)
        else:
            combos = [overrides]
        configs = [to_config(compose_once(combo)) for combo in combos]
        return configs[0]
    except (ConfigError, DataError) as err:
        fail(str(err))
    except (HydraException, OmegaConfBaseException, ValueError, TypeError, KeyError) as err:
        fail(error_line(err))


def _check_syntax(overrides: list[str]) -> None:
    """Exit 2 naming the first override Hydra's grammar cannot parse."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    parser = OverridesParser.create()
    for line in overrides:
        try:
            parser.parse_overrides([line])
        except HydraException as err:
            reason = next((x.strip() for x in str(err).splitlines() if x.strip() and "hydra.cc" not in x
                           and not x.strip().startswith("Error parsing override")), "not an override")
            fail(f"{line}: cannot read this override ({reason}); write key=value, e.g. run.replicates=5")


def explicit_run_dir(argv: list[str]) -> Path | None:
    """The folder given by hydra.run.dir=..., if any (otherwise Hydra makes a new dated one)."""
    for arg in argv:
        key, _, value = arg.partition("=")
        if key == "hydra.run.dir" and value and "${" not in value:
            return Path(value.strip("'\""))
    return None


def run_dir_problem(argv: list[str]) -> str | None:
    """hydra.run.dir / hydra.sweep.dir naming a file (not a folder) or an unwritable place."""
    for arg in argv:
        key, _, value = arg.partition("=")
        if key in ("hydra.run.dir", "hydra.sweep.dir") and value:
            path = Path(value.strip("'\""))
            probe = path
            while not probe.exists() and probe.parent != probe:
                probe = probe.parent
            if probe.exists() and not probe.is_dir():
                return f"{key}: {probe} is a file, not a folder"
    return None
