from khumue.cli import main

main()
