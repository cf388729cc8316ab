import os
import sys

# Import the package from this repository (python/), not an installed copy -- unless
# SAFENORM_EXPECT_INSTALLED=1 (.ci/stages/python.sh: the pip-installed package is tested).
if os.environ.get("SAFENORM_EXPECT_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
