"""The enterprise profile (企业画像): the facts of one firm that rules test and
the calculator evaluates — region, entity type, industry, size figures in
yuan, qualifications, projects — validated with Chinese messages naming the
key (:mod:`.profile`). Floor 4, beside the knowledge base: rules (worked
cases), the calculator, screening, the CLI and the web all read it."""
