import Crypto

print("kandas-bench: no benchmarks yet")
