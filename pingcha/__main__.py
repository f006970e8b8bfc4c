from pingcha.cli import run

run()
