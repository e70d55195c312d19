"""Sphinx configuration of the skoptim documentation.

Build from the root of the repository with::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery runs every ``examples/plot_*.py`` during the build. matplotlib is
optional: without it the examples still run and print their numbers, and the
gallery has no figures. Links to the Python, NumPy, SciPy and scikit-learn
documentation need their inventories from the network: set
``SKOPTIM_DOCS_INTERSPHINX=1`` to fetch them (the default build is offline,
as in CI).
"""

import importlib.util
import inspect
import os
import sys
from datetime import date

# The examples multiply small matrices: BLAS threads only contend with each
# other (and with other jobs) for them. One thread makes the gallery several
# times faster on a busy machine. Set before numpy is first imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

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

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.examples", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
# Members inherited from skoptim's own base classes (BaseMLP.fit, Solver.step)
# are documented on each class; those scikit-learn defines are skipped, see
# skip_scikit_learn_member below.
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class template (_templates/autosummary/class.rst) lists the methods;
# numpydoc's own table would repeat it.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc's checks of the form of every documented docstring: sections
# known and in order, every documented parameter exists and is in order, types
# and descriptions well formed. Not required (so not checked): a docstring on
# an override that inherits its base's (GL08), Parameters and Returns sections
# on the one-line docstrings of the solver and schedule protocol methods
# (PR01, PR07, RT01, RT03), and the extended summary, "See Also" and
# "Examples" sections (ES01, SA01, EX01).
numpydoc_validation_checks = {
    "GL01",  # summary on the line after the opening quotes
    "GL03",  # no double blank lines
    "GL05",  # no tabs
    "GL06",  # known section names
    "GL07",  # sections in the standard order
    "GL09",  # deprecation warning placement
    "GL10",  # balanced backticks
    "SS01",  # a summary
    "SS03",  # summary ends with a period
    "SS04",  # no leading whitespace in the summary
    "PR02",  # no documented parameter that the signature lacks
    "PR03",  # parameters in the order of the signature
    "PR04",  # every parameter has a type
    "PR05",  # no period after a parameter type
    "PR06",  # "int", "str", "bool" rather than "integer", "string", ...
    "PR08",  # descriptions start with a capital letter
    "PR09",  # descriptions end with a period
    "PR10",  # a space before the colon of "name : type"
    "RT04",  # return descriptions start with a capital letter
    "RT05",  # return descriptions end with a period
    "YD01",  # generators document what they yield
}

# Methods every scikit-learn estimator has, documented by scikit-learn.
SCIKIT_LEARN_METHODS = ["get_params", "set_params", "score", "get_metadata_routing"]
autosummary_context = {"scikit_learn_methods": SCIKIT_LEARN_METHODS}


def skip_scikit_learn_member(app, what, name, obj, skip, options):
    """Skip members defined by scikit-learn (get_params, set_*_request, ...).

    Their docstrings link to scikit-learn's own pages, and they behave as in
    every scikit-learn estimator.
    """
    if what not in ("class", "exception"):
        return None
    if inspect.isbuiltin(obj) or inspect.ismethoddescriptor(obj):
        return True  # Exception.with_traceback, add_note, ...
    module = getattr(getattr(obj, "fget", obj), "__module__", None) or ""
    if module.split(".")[0] in ("sklearn", "builtins"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_scikit_learn_member)


# -- cross-references -----------------------------------------------------------
# Fetching the inventories needs the network; a failed fetch is a warning,
# which the -W build turns into an error. Offline, references to other
# projects render as code without a link.
if os.environ.get("SKOPTIM_DOCS_INTERSPHINX") == "1":
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
