"""influsim: agent-based simulation of influence-marketing campaigns.

Usable from plain Python (no Hydra needed):

    from sim import Config, InfluenceModel, simulate
    result = simulate(Config())          # all replicates of the default scenario
"""
from .checks import validate
from .config import Config
from .errors import ConfigError
from .model import InfluenceModel

__all__ = ["Config", "ConfigError", "InfluenceModel", "validate", "simulate"]


def simulate(cfg: Config, **kwargs):
    """Run every replicate of `cfg`; see `sim.results.simulate`."""
    from .results import simulate as _simulate
    return _simulate(cfg, **kwargs)
