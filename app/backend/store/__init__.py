"""The print shop store: products, orders and checkout."""
