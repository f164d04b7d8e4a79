import signal
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


def hear_ctrl_c() -> None:
    """``preexec_fn`` for a child a test interrupts: take Ctrl-C (SIGINT) as a terminal delivers
    it. A test run started in the background by a non-interactive shell (a CI script's
    ``cmd &``) has SIGINT ignored; the child would inherit that, and Python would then never
    raise KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
