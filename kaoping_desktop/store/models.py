"""Peewee models matching data/schema.sql column for column (tests/test_schema.py checks)."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from peewee import (
    SQL,
    BooleanField,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from ..domain.numbers import from_text, to_text
from .audit_chain import now  # noqa: F401 (re-exported: one clock for rows and log)

database = DatabaseProxy()


class IsoDateField(DateField):
    """A date kept as ISO text (the schema's TEXT), so SQL can compare and slice it."""

    field_type = "TEXT"

    def db_value(self, value):
        if isinstance(value, datetime):
            value = value.date()
        return value.isoformat() if isinstance(value, date) else value


class TimestampField(TextField):
    """Local time, second precision, ISO text."""

    def db_value(self, value):
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="seconds")
        return value

    def python_value(self, value):
        return datetime.fromisoformat(value) if value else None


class PointsField(TextField):
    """Exact points as text ("1.5", "19/3"); Fraction in Python."""

    def db_value(self, value):
        if value is None:
            return None
        return to_text(Fraction(value))

    def python_value(self, value):
        return from_text(value) if value is not None else None


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class ServiceWindow(BaseModel):
    code = TextField(unique=True)
    name = TextField()
    department = TextField()
    start_date = IsoDateField(null=True)
    end_date = IsoDateField(null=True)
    created_at = TimestampField(default=now)
    updated_at = TimestampField(default=now)


class Person(BaseModel):
    staff_no = TextField(unique=True)
    name = TextField()
    phone = TextField(default="", constraints=[SQL("DEFAULT ''")])
    created_at = TimestampField(default=now)
    updated_at = TimestampField(default=now)


class Assignment(BaseModel):
    person = ForeignKeyField(Person, backref="assignments", on_delete="RESTRICT")
    window = ForeignKeyField(ServiceWindow, backref="assignments", on_delete="RESTRICT")
    role = TextField()
    start_date = IsoDateField(null=True)
    end_date = IsoDateField(null=True)


class Standard(BaseModel):
    kind = TextField(unique=True)
    name = TextField()


class StandardVersion(BaseModel):
    standard = ForeignKeyField(Standard, backref="versions", on_delete="RESTRICT")
    version = IntegerField()
    effective_month = TextField()
    name = TextField()
    note = TextField(default="")
    created_at = TimestampField(default=now)


class Category(BaseModel):
    version = ForeignKeyField(StandardVersion, backref="categories", on_delete="CASCADE")
    code = TextField()
    name = TextField()
    points = PointsField()
    computed = BooleanField(default=False)
    sort_order = IntegerField()


class Clause(BaseModel):
    version = ForeignKeyField(StandardVersion, backref="clauses", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="clauses", on_delete="CASCADE")
    code = TextField()
    text = TextField()
    unit = TextField(default="")
    points = PointsField(default=Fraction(0))
    consequence = TextField(null=True)
    note = TextField(default="")
    sort_order = IntegerField()


class ClauseVariant(BaseModel):
    clause = ForeignKeyField(Clause, backref="variants", on_delete="CASCADE")
    name = TextField(default="")
    window_points = PointsField(default=Fraction(0))
    chief_points = PointsField(default=Fraction(0))
    person_points = PointsField(default=Fraction(0))
    sort_order = IntegerField()


class EvidenceType(BaseModel):
    code = TextField(unique=True)
    name = TextField(unique=True)


class ClauseEvidence(BaseModel):
    clause = ForeignKeyField(Clause, backref="evidence", on_delete="CASCADE")
    evidence_type = ForeignKeyField(EvidenceType, on_delete="RESTRICT")


class Incident(BaseModel):
    date = IsoDateField()
    window = ForeignKeyField(ServiceWindow, backref="incidents", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="incidents", on_delete="RESTRICT")
    standard_kind = TextField()
    clause_code = TextField()
    variant = TextField(default="")
    count = IntegerField()
    evidence_type = ForeignKeyField(EvidenceType, on_delete="RESTRICT")
    reference = TextField(default="")
    note = TextField(default="")
    voided = BooleanField(default=False)
    void_reason = TextField(default="")
    created_at = TimestampField(default=now)
    updated_at = TimestampField(default=now)


class ScoringMonth(BaseModel):
    month = TextField(unique=True)
    closed = BooleanField(default=False)
    closed_by = TextField(default="")
    closed_at = TimestampField(null=True)
    results_json = TextField(null=True)
    window_version = ForeignKeyField(StandardVersion, null=True, on_delete="RESTRICT", backref="+")
    staff_version = ForeignKeyField(StandardVersion, null=True, on_delete="RESTRICT", backref="+")
    reopened_at = TimestampField(null=True)
    reopen_reason = TextField(default="")
    snapshot_hash = TextField(default="")


class AuditLog(BaseModel):
    at = TimestampField(default=now)
    actor = TextField(default="")
    action = TextField()
    entity = TextField(default="")
    entity_id = TextField(default="")
    detail = TextField(default="")
    prev_hash = TextField(default="")
    hash = TextField(default="")


class IssuedDocument(BaseModel):
    """A printed or exported document, by its verification code."""

    code = TextField(primary_key=True)
    document = TextField()
    period = TextField()
    window_code = TextField(default="")
    content_hash = TextField()
    issued_at = TimestampField(default=now)


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


ALL_MODELS = [
    ServiceWindow,
    Person,
    Assignment,
    Standard,
    StandardVersion,
    Category,
    Clause,
    ClauseVariant,
    EvidenceType,
    ClauseEvidence,
    Incident,
    ScoringMonth,
    AuditLog,
    IssuedDocument,
    Setting,
]
