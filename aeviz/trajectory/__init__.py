"""Trajectories: the recorded run as an .npz file (`format`), checked when loaded (`checks`),
written member by member (`archive`). Training writes them; everything else reads them."""

from aeviz.trajectory.format import (
    FORMAT,
    FORMAT_VERSION,
    STOP_REASONS,
    Trajectory,
    load,
    moment_name,
    write_trajectory,
)

__all__ = ["FORMAT", "FORMAT_VERSION", "STOP_REASONS", "Trajectory", "load", "moment_name",
           "write_trajectory"]
