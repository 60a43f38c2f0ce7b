from aeviz.cli import main

main()
