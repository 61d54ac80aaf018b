import ExpctlCommands

#if canImport(Glibc)
    import Glibc
#endif

exit(ExpctlCLI.run(Array(CommandLine.arguments.dropFirst())))
