"""classify (and, later, the rules tooling)."""
from __future__ import annotations

import json
import sys

import classifier

from . import app


def register(sub, common) -> None:
    s = sub.add_parser("classify", parents=[common],
                       help='classify JSON lines {"title", "body"} from stdin')
    s.add_argument("--rules", metavar="FILE", help="rules file (default: the built-in rules)")
    s.set_defaults(func=cmd_classify)


def cmd_classify(args) -> int:
    rules = classifier.load_rules(args.rules) if args.rules else classifier.load_rules()
    clf = classifier.Classifier(rules)
    out = sys.stdout
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise app.UsageError(f"stdin line {n}: not JSON ({e.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("title", ""), str) \
                or not isinstance(obj.get("body", ""), str):
            raise app.UsageError(f'stdin line {n}: expected {{"title": str, "body": str}}')
        decision = clf.classify(obj.get("title", ""), obj.get("body", ""))
        out.write(json.dumps(decision.as_dict(), ensure_ascii=False) + "\n")
    return 0
