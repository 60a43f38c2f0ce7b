from aeviz.launch import main

main()
