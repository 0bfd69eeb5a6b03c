"""Where the private modules of earlier versions went, so that their pickles still load.

A pickle names each class by the module that defined it when it was written, e.g.
``sklearn_w2v._transformer.Word2VecTransformer`` before the modules moved into
sub-packages. :func:`install` puts a finder on ``sys.meta_path`` that answers an import of
such an old name with a module whose attributes are those of the modules that hold the
code now, so unpickling finds the same classes. Nothing else imports the old names, and
the finder creates nothing until one is imported.

The pickle's version stamp still decides whether loading warns
(:class:`~sklearn_w2v.InconsistentVersionWarning`); this table only keeps a renamed
private module from turning a compatible pickle into a ``ModuleNotFoundError``.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import types

# old private module -> the modules that hold its names now (searched in order)
RENAMED_MODULES = {
    "_architectures": ("_model.architectures",),
    "_batches": ("_text.minibatches",),
    "_compressed": ("_vectors.compressed",),
    "_corpus_store": ("_text.corpus_folder",),
    "_coverage": ("_text.coverage",),
    "_doc2vec": ("_estimators.doc2vec",),
    "_estimator": ("_estimators.base", "_estimators.versions"),
    "_fitting": ("_training.fit", "_training.plan", "_training.stages",
                 "_training.parameters", "_training.inference"),
    "_huffman": ("_model.huffman",),
    "_keyed_vectors": ("_estimators.keyed_vectors", "_vectors.word_vectors"),
    "_layers": ("_model.layers",),
    "_lines": ("_text.lines",),
    "_objectives": ("_model.objectives",),
    "_parallel": ("_training.workers",),
    "_pooling": ("_features.pooling", "_features.document_terms"),
    "_pretrained": ("_vectors.pretrained",),
    "_progress": ("_training.progress",),
    "_schedule": ("_training.schedule",),
    "_scoring": ("_model.scoring",),
    "_segments": ("_model.sparse_rows",),
    "_settings": ("_training.settings",),
    "_shared_folders": ("_utils.owned_folders",),
    "_steps": ("_model.steps",),
    "_stores": ("_text.corpus_stores", "_text.encoded_corpus"),
    "_trainer": ("_training.trainer",),
    "_transformer": ("_estimators.word2vec", "_estimators.versions"),
    "_typing": ("_utils.typing",),
    "_vocab": ("_text.encoded_corpus", "_text.vocabulary", "_model.noise"),
    "_vocab_growth": ("_text.vocabulary_growth",),
    "_word2vec_format": ("_vectors.reader", "_vectors.writer", "_vectors.sniffing",
                         "_vectors.checks", "_vectors.compressed"),
}


class _RenamedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``<package>.<old name>`` and loads it as a view of the new modules."""

    def __init__(self, package):
        self.package = package

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != self.package or name not in RENAMED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        name = spec.name.rpartition(".")[2]
        targets = [f"{self.package}.{target}" for target in RENAMED_MODULES[name]]
        module = types.ModuleType(spec.name, f"Renamed: now {', '.join(targets)}.")

        def __getattr__(attribute):
            for target in targets:
                value = getattr(importlib.import_module(target), attribute, module)
                if value is not module:
                    return value
            raise AttributeError(f"module {spec.name!r} (renamed: {', '.join(targets)}) has "
                                 f"no attribute {attribute!r}")
        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        return module

    def exec_module(self, module):
        pass


def install(package):
    """Put the finder of ``package``'s renamed modules on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _RenamedModules) and finder.package == package
               for finder in sys.meta_path):
        sys.meta_path.append(_RenamedModules(package))
