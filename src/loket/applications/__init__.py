"""Citizens' requests (living wage, tax question, change in situation), first step to dossier."""
