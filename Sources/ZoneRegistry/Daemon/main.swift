#if FUZZING
FuzzDriver.run()
#else
ZoneRegistryCommand.main()
#endif
