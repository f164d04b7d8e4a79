"""Rule implementations, one module per record type; importing this package registers them."""

from importlib import import_module

MODULES = ("district", "school", "student", "student_enrollments", "student_programs",
           "student_links", "student_list", "scram", "youth_in_care", "section504",
           "course_master", "course_membership", "incident", "transcript", "level2")
"""In registration order, which is the order a record's rules run and report in."""

for _name in MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as err:  # a module not written yet: its rules stay unimplemented
        if err.name != f"{__name__}.{_name}":
            raise
