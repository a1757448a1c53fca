"""Views of the valorisation blueprint, one module per use case."""
