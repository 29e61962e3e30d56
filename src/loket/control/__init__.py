"""Control selection: geo-aware, explainable, lawful selection of tax dossiers, with review."""
