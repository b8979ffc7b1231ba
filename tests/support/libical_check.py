"""Run by Debian's /usr/bin/python3 (libical's GObject bindings, gir1.2-ical-3.0), not the venv:
parse each .ics file named on the command line, apply libical's RFC 5546 restrictions and
print {path: [problems]} as JSON. tests/test_libical.py calls it."""

import json
import sys
from pathlib import Path

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402  (after require_version)


def errors_in(component) -> list[str]:
    """The X-LIC-ERROR properties libical added, in this component and those inside it."""
    found = []
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.get_xlicerror())
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    sub = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while sub is not None:
        found += errors_in(sub)
        sub = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    return found


def check(path: str) -> list[str]:
    component = ICalGLib.Component.new_from_string(Path(path).read_text(encoding="utf-8"))
    if component is None:
        return ["leest niet"]
    passed = ICalGLib.restriction_check(component)  # adds X-LIC-ERROR where a rule is broken
    problems = errors_in(component)
    if not passed and not problems:
        problems.append("restriction_check faalt")
    return problems


if __name__ == "__main__":
    print(json.dumps({path: check(path) for path in sys.argv[1:]}))
