import KandasCLI

print("kandas: not yet implemented")
