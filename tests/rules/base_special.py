"""Make the sample's special-program records (S2, S3, S4) clean for school year 2012-13.

- The SCRAM record of student 1003 enters on 2011-09-06, a date of the previous school year and
  before the student's S1 Entry Date at school 104 (2012-08-22): S2.626. SCRAM Entry Date is
  "the date the student first began receiving Special Education ... within the current school
  year", so it becomes the S1 Entry Date.
- The YIC record of student 2002 is open while the student's S1 at school 708 exited 2012-09-28
  (TS): S3.715. It closes with the enrollment, Exit Reason 'X' (Exited school).
- The sample has no Section 504 record (a 2020-21 record type without a 2012-13 layout); one is
  added for student 1001 at school 104, open since the S1 Entry Date, with Medical Impairment
  'Y', so S4 rules have a clean record to work on.

The S2/S3/S4 rule tests edit that base with `helpers.edit` and `helpers.add`.
"""

from __future__ import annotations

import datetime as dt

from utrex_sdk.models import Section504Record, UtrexRecord


def fix(records: list[UtrexRecord]) -> list[UtrexRecord]:
    fixed: list[UtrexRecord] = []
    for record in records:
        if record.record_type == "S2" and record.student_number == "1003":
            record = record.model_copy(update={"scram_entry_date": dt.date(2012, 8, 22)})
        elif record.record_type == "S3" and record.student_number == "2002":
            record = record.model_copy(update={"yic_exit_date": dt.date(2012, 9, 28),
                                               "yic_exit_reason": "X"})
        fixed.append(record)
    fixed.append(Section504Record(student_number="1001",
                                  section_504_entry_date=dt.date(2012, 8, 22),
                                  medical_impairment="Y", lea_number="14", school_number="104"))
    return fixed

