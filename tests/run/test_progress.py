"""helpers.run.progress: one plain line per finished council off a terminal, with the council's wall time."""
from __future__ import annotations

import io

from helpers.run.pipeline import UnitResult
from helpers.run.progress import Progress


def test_a_finished_council_shows_its_wall_time_not_the_sum_of_units_that_ran_side_by_side():
    stream = io.StringIO()
    progress = Progress(2, stream=stream, bar=False)
    side_by_side = [UnitResult("E08000019", "care_homes", "ran", 4.0), UnitResult("E08000019", "home_care", "ran", 3.5),
                    UnitResult("E08000019", "render", "ran", 2.0)]
    progress.council_done("E08000019", side_by_side, 6.25)
    progress.council_done("E08000018", [UnitResult("E08000018", "render", "failed", 1.0, "typst")], 1.0)
    assert stream.getvalue().splitlines() == ["[1/2] E08000019: ok (6.2 s)", "[2/2] E08000018: failed (1.0 s)"]
    assert progress.failures == 1
