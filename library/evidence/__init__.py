"""Evidence gathering: providers that find candidate sources for a claim."""
