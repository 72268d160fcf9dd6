import KandasServer

print("kandas-server: not yet implemented")
