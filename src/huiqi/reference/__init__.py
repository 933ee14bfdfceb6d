"""Reference data (参考数据), the bottom floor of huiqi: administrative
divisions (:mod:`.regions`), dates and validity windows (:mod:`.calendar`),
industries (:mod:`.industries`, GB/T 4754) and service-guide field names
(:mod:`.guide_fields`). Imports nothing of huiqi but itself."""
