"""Text normalization applied to rule keywords and to every field before matching.

Pages and WeChat articles write the same words in several ways: full-width digits and letters
(２０２４), ideographic or non-breaking spaces, and spaces inserted between Chinese characters by
the page layout (“促 消 费”). Keywords and text go through the same function, so a keyword written
either way matches text written either way, and evidence offsets refer to the normalized text.
"""

from __future__ import annotations

from ._coreload import core

# The function lives in classifier/_core.py, with the matching and scoring it feeds: the part
# of the classifier that may run compiled (tools/build_core.py).
normalize = core.normalize
