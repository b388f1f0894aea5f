"""Replacement stock: warehouses and units (models in exchanges.models.stock)."""
