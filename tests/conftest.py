import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec"
sys.path.insert(0, str(ROOT / "examples" / "sample"))


@pytest.fixture
def sample_records():
    from build import sample_records

    return sample_records()
