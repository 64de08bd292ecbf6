"""Tests of the helpers package itself: what importing it does to the process."""
import subprocess
import sys


def test_importing_helpers_keeps_the_iri_grammars_out_and_notebook_validation_on():
    """After ``import helpers``, jsonschema (via nbformat, via papermill or plotly's renderers) does not compile
    rfc3987_syntax's grammars (1.2 s a process), and the notebook schema is still enforced."""
    code = ("import sys, helpers, papermill, plotly.io as pio, nbformat\n"
            "pio.renderers['plotly_mimetype']\n"
            "print(sys.modules['rfc3987_syntax'] is None, 'lark' in sys.modules)\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
            "nbformat.validate(nb)\n"
            "del nb.cells[0]['source']\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "refused"]
