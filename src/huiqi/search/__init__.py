"""Search (检索): keyword index, filters, semantic/hybrid ranking."""
