"""The end-of-batch table."""

from __future__ import annotations

from aeviz.batch.jobs import Result
from aeviz.text import printable

NAME_WIDTH = 40  # characters of a name in the table: longer ones end in an ellipsis (the
                 # output column and the files keep the whole name)


def shown_rmse(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def format_table(results: list[Result]) -> str:
    """The end-of-batch table: name, epochs, final RMSE, stop reason, seconds, output or error."""
    header = ("experiment", "ends at epoch", "final RMSE", "stopped", "seconds", "output")
    rows = [(printable(r.name, NAME_WIDTH), "" if r.epochs is None else str(r.epochs),
             "" if r.final_rmse is None else shown_rmse(r.final_rmse),
             r.stop_reason or "", f"{r.seconds:.1f}",
             printable(r.output if r.status == "done" else f"{r.status}: {r.output}"))
            for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) if i == 0 or i == 3 else cell.rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells + [row[-1]]))
    return "\n".join(lines)
