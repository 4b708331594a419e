import LedgerCLI

await LedgerMain.main()
