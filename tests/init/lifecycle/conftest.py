import pytest

from tests.init.lifecycle.image import Image
from tests.init.sandbox.helpers import require_sandbox


@pytest.fixture
def image(tmp_path):
    """A fresh image layer; skips where the sandbox cannot run (not root, no namespaces)."""
    require_sandbox()
    return Image(tmp_path)
