"""Training: the data (`data`), the network and its derivatives (`model`), the optimizers
(`optim`), the loop (`loop`) and what it records (`recorder`)."""
