"""Process machinery: the cyclic collector paused or frozen around a stage (``collector``), whether and how children
may be forked and how they die with their parent (``forked``, ``forkserver_guard``), and the pool of worker
processes a stage shares its work with (``pool``). It knows nothing of the stages: they hand it their jobs and
the functions that run them. It imports nothing of kttt but itself."""
