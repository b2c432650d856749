"""Where releases run, each kind behind one small interface: send, roll out, roll back, history."""
