from sandbox_provider.plugin import main

main()
