"""Location decisions (Standortentscheidungen) for the advisory board: scenarios that rank the
districts for the next site of a programme by weighted criteria, with the stability of the
ranking, saved, compared, shared read-only with the board, exported and decided."""
