"""``python -m huiqi``: run the command-line interface."""

from huiqi.cli.app import main

if __name__ == "__main__":
    main()
