"""Batch screening (免申即享 名单筛查) of an enterprise register: register reading
(:mod:`.register`), the condition → SQL compiler (:mod:`.sql`) and the batch
runner with its writers (:mod:`.batch`). Floor 6: uses calc and rules."""
