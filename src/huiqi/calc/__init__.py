"""Policy calculator (政策计算器).

Modules: :mod:`huiqi.firm.profile` (the enterprise profile 企业画像 and its
loader), :mod:`huiqi.reference.industries` (GB/T 4754-2017 industry codes 行业分类),
:mod:`huiqi.calc.derived` (derived facts 派生事实: size class 企业规模,
小型微利企业, firm age 成立年限).
"""
