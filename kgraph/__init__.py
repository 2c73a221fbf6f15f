"""kgraph: a knowledge graph of people, cities and events in city diplomacy."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kgraph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"
