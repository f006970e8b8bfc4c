from pingcha.cli import main

raise SystemExit(main())
