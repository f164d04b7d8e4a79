"""The Aspire adapter: an Aspire export folder -> a whole UTREx submission, SOEP courses included.

A plugin like the CSV adapter (``aspire = "utrex_aspire:AspireAdapter"`` in the entry-point group
``utrex_sdk.adapters``), and the same shape: a `MappingAdapter` whose default mapping,
``mappings/aspire/aspire.toml`` (a wheel ships it inside this package as ``mapping/``;
`MAPPING_DIR`), names the columns of the Aspire screens the SOEP entry guide describes; a
district whose export differs copies it and passes ``--mapping``. What a mapping cannot
state — the CACTUS certification row, the course code rules, the provider's where-taught LEA and
school — is `guide.GuideChecks`, configured by the mapping's ``[adapter]`` table
(`AspireOptions`, documented in ``mappings/aspire/README.md``) and, for an LEA given by name,
the reference folder's ``leas.csv`` (``--reference``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from utrex_sdk.adapters import Item, Mapped
from utrex_sdk.errors import UnusableInputError
from utrex_sdk.findings import Finding
from utrex_sdk.mapping import MappingAdapter, MappingError
from utrex_sdk.validation.reference import Reference

from .guide import GuideChecks
from .providers import Providers, name_key

__all__ = ["AspireAdapter", "AspireOptions"]



def _mapping_dir() -> Path:
    """The default mapping's folder. It lives in the repository's ``mappings/aspire/``, where a
    district looks for it; a built wheel carries it inside this package as ``mapping/`` (the
    package ``utrex_aspire.mapping``, mapped to that folder by ``package-dir`` in
    pyproject.toml). A source checkout or an editable install runs this file from
    ``adapters/utrex_aspire/``, so the folder is two levels up. No link: links break on Windows
    checkouts and in some source distributions."""
    here = Path(__file__).resolve().parent
    shipped = here / "mapping"
    return shipped if shipped.is_dir() else here.parent.parent / "mappings" / "aspire"


MAPPING_DIR = _mapping_dir()


class AspireOptions(BaseModel):
    """The ``[adapter]`` table of an Aspire mapping: which sources and columns hold what the
    guide's rules read. The defaults are the Aspire screens' names, as the guide gives them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    certifications: str = Field("certifications", description="Source: the Certification tab.")
    courses: str = Field("courses", description="Source: the District Courses screen.")
    master_schedule: str = Field("master_schedule",
                                 description="Source: the Master Schedule (the AC block's).")
    faculty_id: str = "Faculty ID"
    last_name: str = "Last Name"
    first_name: str = "First Name"
    certification: str = "Certification"
    certification_type: str = "Certification Type"
    certification_number: str = "Certification Number"
    cactus_certification: str = "Cactus Identification"
    cactus_certification_type: str = "Certification"
    course_code: str = "Course Code"
    description: str = "Description"
    take_attendance: str = "Take Attendance"
    count_attendance: str = "Count Attendance"
    where_taught: str = "Where Taught"
    where_taught_school: str = "Where Taught School"
    providers: str = Field("soep_providers.csv",
                           description="The provider table, relative to the mapping file.")
    reference: str | None = Field(
        None, description="A reference-data folder (relative to the mapping file) whose "
                          "leas.csv turns an LEA given by name into its number; "
                          "`utrex convert --reference DIR` takes precedence.")


_COLUMNS = {
    "certifications": ("faculty_id", "last_name", "first_name", "certification",
                       "certification_type", "certification_number"),
    "courses": ("course_code", "description", "take_attendance", "count_attendance"),
    "master_schedule": ("faculty_id", "course_code", "where_taught", "where_taught_school"),
}


class AspireAdapter(MappingAdapter):
    """Aspire exports (certifications, district courses, master schedule, students,
    enrollments, student schedules), by ``mappings/aspire/aspire.toml`` unless ``--mapping``."""

    name = "aspire"
    summary = ("Aspire exports, SOEP online-provider courses included (default mapping "
               "mappings/aspire/aspire.toml; --mapping to override)")
    default_mapping = MAPPING_DIR / "aspire.toml"
    options_model = AspireOptions

    def __init__(self, input_dir: str | os.PathLike[str], *,
                 mapping: str | os.PathLike[str] | None = None,
                 reference: str | os.PathLike[str] | None = None):
        super().__init__(input_dir, mapping=mapping, reference=reference)
        options: AspireOptions = self.options
        base = self.mapping.path.parent
        columns = self._columns(options)
        providers = Providers.load(base / options.providers)
        leas, no_leas = self._leas(options, base)
        self.guide = GuideChecks(self.engine, options, columns, providers, leas, no_leas)

    def _leas(self, options: AspireOptions, base: Path) -> tuple[dict[str, str] | None, str]:
        """LEA numbers by `name_key` of their names, from ``leas.csv`` of the reference folder
        (``--reference``, the one the validator reads; else the mapping's ``reference``), and
        why an LEA name cannot be resolved when there is no such table.

        ``--reference`` serves the validator too, so a folder of other tables is no mistake:
        only an LEA given by name then goes unresolved, as a finding. A ``reference`` the
        mapping names exists for this table alone, so its lacking one is a one-line error."""
        if self.reference_dir is not None:
            folder, configured = self.reference_dir, False
        elif options.reference:
            folder, configured = base / options.reference, True
        else:
            return None, ("no reference leas.csv was given to turn an LEA name into its number "
                          "(--reference DIR; the guide gives none)")
        ref = Reference(folder)
        if not ref.has("leas"):
            if configured:
                raise UnusableInputError(f"{folder}: no leas.csv, which the aspire adapter "
                                         "needs to turn an LEA name into its number")
            return None, f"the reference folder {folder} has no leas.csv"
        return ({name_key(row.get("name", "")): str(number)
                 for number, row in ref.rows("leas").items() if row.get("name")}, "")

    def _columns(self, options: AspireOptions) -> dict[str, dict[str, int]]:
        """Each role's columns by position; a source or column the export lacks is named."""
        problems: list[str] = []
        out: dict[str, dict[str, int]] = {}
        for role, keys in _COLUMNS.items():
            name = getattr(options, role)
            source = self.engine.sources.get(name)
            if source is None:
                problems.append(f"adapter.{role}: no source {name!r} in [sources] (defined: "
                                f"{', '.join(self.engine.sources) or 'none'})")
                continue
            out[role] = {}
            for key in keys:
                position = source.position(getattr(options, key))
                if position is not None:
                    out[role][key] = position
                elif source.columns and not (role == "courses" and key == "description"):
                    shown = ", ".join(repr(c) for c in source.columns)
                    problems.append(f"adapter.{key}: {source.shown} has no column "
                                    f"{getattr(options, key)!r}; its columns: {shown}")
        if problems:
            raise MappingError(self.mapping.path, problems)
        return out

    def items(self) -> Iterator[Item]:
        self.guide.prepare()
        schedule = {file for file, _ in self.guide.source("master_schedule").files}
        for item in self.engine.items():
            if isinstance(item, Mapped) and item.origin.file in schedule and \
                    item.record.record_type == "AC":
                item = self.guide.section(item)
            yield item

    def findings(self) -> list[Finding]:
        return self.engine.findings() + self.guide.findings
