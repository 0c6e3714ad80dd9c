"""``kttt serve``: the page where a commune clerk checks a return and sends it to the office.

One concept per module:

* ``settings``  where the server keeps its state (keys, receipts) and its limits;
* ``uploads``   receiving an upload: the size limit while the body arrives, a safe name never used as a path;
* ``verdict``   the answer of ``POST /api/check``: ``kttt check``'s own report (``clerk_check.check_file``) as JSON;
* ``keys``      the units' sending keys, issued and revoked by the office (only their hashes are kept);
* ``filing``    an accepted return written into the period's raw folder as a new file, never over another;
* ``receipts``  the append-only record of what was filed (time, unit, digest);
* ``runner``    each check in a child process bounded in memory and time (``forkserver_guard``: its fork server
  ends with the server);
* ``page``      the Vietnamese page, which uses the API as any client would;
* ``app``       the Starlette application: the routes, the checks run off the event loop.
"""
