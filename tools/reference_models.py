"""The PyTorch reference scripts bundled with the `ibot bench` commands, loaded as modules by the tools here.

Those scripts (ibot/src/main/resources/org/ibot4j/cli/*.py) must stay standalone, since the jar copies one to a
temporary file and runs it, so they hold the one copy of each reference model; a tool imports the model from them:
    from reference_models import load
    Swin = load("bench_swin_torch.py").Swin
(works when the tool is run as a script from tools/, which puts this folder on sys.path).
"""
import importlib.util
import os
import sys

SCRIPTS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                        "ibot", "src", "main", "resources", "org", "ibot4j", "cli"))


def load(script):
    """The bundled reference script `script` (e.g. "bench_step_torch.py") as a module; its main() is not run."""
    path = os.path.join(SCRIPTS, script)
    spec = importlib.util.spec_from_file_location(os.path.splitext(script)[0], path)
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ among the jar's resources
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module
