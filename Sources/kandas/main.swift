import KandasCLI

await KandasCLI.main()
