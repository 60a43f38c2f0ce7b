"""Trajectories: the recorded run (`RunRecord`, and with its arrays `Trajectory`) as an .npz
file (`format`), checked when loaded (`checks`),
written and read member by member (`archive`), with what training reports about it (`meta`).
Training writes them; everything else reads them."""

from aeviz.trajectory.format import (
    FORMAT,
    FORMAT_VERSION,
    STOP_REASONS,
    LogVar,
    Meta,
    RunRecord,
    Summary,
    Trajectory,
    load,
    moment_name,
    snapshot_members,
    write_trajectory,
)

__all__ = ["FORMAT", "FORMAT_VERSION", "STOP_REASONS", "LogVar", "Meta", "RunRecord",
           "Summary", "Trajectory", "load", "moment_name", "snapshot_members",
           "write_trajectory"]
