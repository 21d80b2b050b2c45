"""Validation against published and analytical results (`python -m sim.validate`).

One module per case; each `run(settings)` returns a `CaseResult` (rows + figure):
1 Bass (1969) curve, 2 percolation threshold of the independent cascade, 3 agreement
with CyNetDiff and NDlib, 4 seeding strategies (Kempe et al. 2003), 5 ordinary
influencers (Bakshy et al. 2011), 6 sequential seeding (Jankowski et al. 2017),
7 novelty decay (Wu and Huberman 2007), 8 organic cascade structure (Goel et al. 2012),
9 engagement by tier (HypeAuditor 2026), 10 reshare delays (Zhao et al. 2015),
11 #ad disclosure (Eisend et al. 2020), 12 calibration coverage (Talts et al. 2018),
13 forecasts of a running post against SEISMIC (Zhao et al. 2015). `report.write` makes validation.md/.csv.
"""
from . import (bass, cascades, disclosure, engagement, forecasts, novelty, ordinary, peers, percolation, reactions,
               recovery, seeding, sequential)
from .common import CaseResult, Row, Settings

CASES = {1: bass.run, 2: percolation.run, 3: peers.run, 4: seeding.run, 5: ordinary.run,
         6: sequential.run, 7: novelty.run, 8: cascades.run, 9: engagement.run, 10: reactions.run,
         11: disclosure.run, 12: recovery.run, 13: forecasts.run}

__all__ = ["CASES", "CaseResult", "Row", "Settings"]
