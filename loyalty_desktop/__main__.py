from loyalty_desktop.cli import main

raise SystemExit(main())
