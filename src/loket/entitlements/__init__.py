"""What a dossier is entitled to: living-wage assessments of leefloon dossiers, advance decisions
and recovery ledgers of maintenance-claim dossiers, computed by `loket.rules` and kept here."""
