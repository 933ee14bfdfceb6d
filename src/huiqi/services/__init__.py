"""Services (服务层): the few operations that span several stages, called the
same way by the CLI, the web service and tests — today :mod:`.ingest`
(ingest files, store their extracted rules, import reviewed rules, refresh
the search index). Floor 6: may use kb, rules, search and calc."""
