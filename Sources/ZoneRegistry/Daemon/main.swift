ZoneRegistryCommand.main()
