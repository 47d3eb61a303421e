"""The upload engine, with no Qt and no knowledge of kiosk mode or any frontend.

- ``engine`` is the one public API (queue files, start, pause, resume, cancel, retry, subscribe to events);
  ``factory.open_engine`` is the one recipe that builds it from the user's configuration, the admin's
  locked values (``locked``) and a frontend's options.
- ``store`` is the durable SQLite queue; ``transfer``, ``form_upload`` and ``multipart`` send bytes;
  ``signers`` get links; ``retry``, ``budget`` and ``ratelimit`` pace the sending.
- ``config`` holds destinations (profiles), ``settings`` every other setting as data, ``secrets`` the
  keychain; ``profile_export`` and ``secret_scan`` move profiles between devices without their secrets.
- ``protocol`` reads presigned links and S3 answers; ``explain`` turns failures into plain language.
"""
