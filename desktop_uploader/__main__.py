from desktop_uploader.cli.main import main

raise SystemExit(main())
