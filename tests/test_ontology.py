"""The ontology, its generated namespace module and the data agree."""
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgraph import namespaces
from kgraph.build import build_curated_graph
from kgraph.namespaces import KGO, generated_block
from kgraph.records import load_records
from kgraph.resources import ontology_path
from kgraph.vocab import ontology_graph


def test_namespace_module_is_generated_from_ontology():
    source = open(namespaces.__file__, encoding="utf-8").read()
    assert generated_block(ontology_path()) in source, "run `python -m kgraph.namespaces` after editing ontology.ttl"


def _labels(term):
    return {label.language for label in ontology_graph().objects(term, RDFS.label) if isinstance(label, Literal)}


def test_every_kgo_term_has_polish_and_english_labels_and_a_comment():
    graph = ontology_graph()
    terms = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO)) and str(s) != str(KGO)}
    assert len(terms) > 30
    for term in terms:
        assert {"pl", "en"} <= _labels(term), term
        assert list(graph.objects(term, RDFS.comment)), term


def test_every_class_and_property_the_data_uses_is_described(data_dir):
    data = build_curated_graph(load_records(data_dir))
    used = (set(data.predicates()) | set(data.objects(None, RDF.type))) - {RDF.type}
    for term in used:
        assert {"pl", "en"} <= _labels(term), f"{term} has no pl/en rdfs:label in ontology.ttl"


def test_ontology_declares_itself():
    assert (URIRef("https://w3id.org/kgraph/ontology"), RDF.type, OWL.Ontology) in ontology_graph()
