"""Sphinx configuration of the skoptim documentation.

Build with::

    pip install sphinx numpydoc sphinx-gallery pydata-sphinx-theme matplotlib
    sphinx-build -b html docs docs/_build/html

matplotlib is optional: without it the examples still run and print their
numbers, and the gallery has no figures.
"""

import importlib.util
import os
import sys
from datetime import date

# Document the working tree even when skoptim is not installed.
sys.path.insert(0, os.path.abspath(".."))

import skoptim  # noqa: E402

project = "skoptim"
author = "the skoptim developers"
copyright = f"{date.today().year}, {author}"
version = release = skoptim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = []
exclude_patterns = ["_build", "generated/*.examples", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
# numpydoc lists the methods itself; autosummary tables of every inherited
# scikit-learn method (get_params, set_params, ...) would only add noise.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- cross-references -----------------------------------------------------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "scipy": ("https://docs.scipy.org/doc/scipy/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
}

# -- sphinx-gallery --------------------------------------------------------------
_has_matplotlib = importlib.util.find_spec("matplotlib") is not None
if _has_matplotlib:
    import matplotlib

    matplotlib.use("agg")

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "image_scrapers": ("matplotlib",) if _has_matplotlib else (),
    "reset_modules": ("matplotlib",) if _has_matplotlib else (),
    "doc_module": ("skoptim",),
    "backreferences_dir": "generated",
    "reference_url": {"skoptim": None},
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skoptim {release}"
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "show_toc_level": 2,
}
html_static_path = []
