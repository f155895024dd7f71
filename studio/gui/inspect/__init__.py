"""Look inside: the network view, the layer-health panel and the backprop inspector."""
