"""Policy rules (政策规则) as data: what a clause says, independent of any firm.

- :mod:`.model` — conditions (three-valued trees), benefit specs, stacking, :class:`~.model.Rule`;
- :mod:`.vocab` — attribute names, prompts, entity and qualification vocabulary;
- :mod:`.conditions` — condition extraction from clause text (申报条件);
- :mod:`.benefits` — benefit extraction (扶持标准: amounts, rates, tiers) and yuan formatting;
- :mod:`.stacking` — stacking rules (叠加、就高不重复) extraction;
- :mod:`.reviewed` — the reviewed-rule YAML schema (人工审核规则): parse, validate, write;
- :mod:`.store` — rule versions kept in the knowledge base (extracted / reviewed,
  draft / published / retired), with author and reviewer.

Floor 4 of the layering: imports reference data, extract, kb; never calc,
search, screen, services, cli or web.
"""
