#!/usr/bin/env python3
"""Extract the Kazakh service names of Rules 2 Annex 1 and the 27 column headers of Annex 3
from the seed's Kazakh original, letter for letter (typos and split words kept), into the
KandasDomainTests fixtures. Run once when the seed changes:

    python3 .ci/extract-annex-fixtures.py /work/shared/seed/000_8f66f14da845323c.txt Tests/KandasDomainTests/Fixtures

Only whitespace is normalised (tabs split cells; a header broken over two printed rows is
joined with one space); no letter is changed.
"""
import re
import sys

src, out = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().split("\n")

# Annex 1: the numbered list "N.<TAB>name" that follows the "№<TAB>Қызметтердің атауы" header.
start = next(i for i, l in enumerate(lines) if l.startswith("№\tҚызметтердің атауы"))
names = []
for l in lines[start + 1:]:
    m = re.match(r"^(\d+)\.\t(.*?)\s*$", l)
    if m:
        assert int(m.group(1)) == len(names) + 1, l
        names.append(m.group(2))
    elif names and l.strip() == "" and len(names) == 25:
        break
assert len(names) == 25, len(names)

# Annex 3: the form table printed in four blocks, each followed by a row of column numbers
# (the last block has none). Block 2 is split over two printed rows around a "---" separator.
form = next(i for i, l in enumerate(lines) if l.startswith("№\tҚандастар мен олардың"))
block_rows = []  # list of lists of header-text rows per block
current = []
for l in lines[form:]:
    if l.startswith("### Кестенің жалғасы"):
        block_rows.append(current)
        current = []
    elif re.fullmatch(r"[\d\t ]+", l) or re.fullmatch(r"[-\t ]+", l) or l.strip() == "":
        continue
    else:
        current.append(l.split("\t"))
block_rows.append(current)
headers = []
for rows in block_rows:
    width = max(len(r) for r in rows)
    for c in range(width):
        parts = [r[c].strip() for r in rows if c < len(r) and r[c].strip()]
        headers.append(" ".join(parts))
assert len(headers) == 27, (len(headers), headers)

with open(f"{out}/annex1-kk.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(names) + "\n")
with open(f"{out}/annex3-headers-kk.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(headers) + "\n")
print(f"annex1: {len(names)} names, annex3: {len(headers)} headers")
