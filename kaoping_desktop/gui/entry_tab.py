"""扣分录入: the incident form with its live deduction preview, and the month's incidents."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCompleter, QInputDialog, QWidget

from .. import services
from ..domain.calendar import month_bounds, month_of
from ..domain.standards import OTHER_EVIDENCE, STAFF, STANDARD_LABELS, WINDOW, Clause, clause_sort_key
from ..services import catalogue as rules
from ..services import incidents as incident_service
from ..services import roster_view
from ..services.errors import InputError, MonthClosedError
from .incident_models import IncidentFilter, IncidentTableModel, RowRole
from .month_picker import MonthPicker
from .uiload import load_into

CLOSED_TEXT = "本月已锁定，不能录入或修改。如需修改，请在「月度结果」中点击「重新开放」（须填写理由）。"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class EntryTab(QWidget):
    incidents_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "entry_tab.ui")
        self.month_picker = MonthPicker.inside(self.monthHolder)

        self.model = IncidentTableModel(self)
        self.proxy = IncidentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.incidentTable.setModel(self.proxy)
        self.incidentTable.verticalHeader().setDefaultSectionSize(22)
        self.incidentTable.horizontalHeader().setStretchLastSection(True)

        self.standardCombo.addItem(STANDARD_LABELS[WINDOW], WINDOW)
        self.standardCombo.addItem(STANDARD_LABELS[STAFF], STAFF)
        completer = self.windowCombo.completer()
        completer.setFilterMode(Qt.MatchContains)
        completer.setCompletionMode(QCompleter.PopupCompletion)
        self.windowCombo.setInsertPolicy(self.windowCombo.InsertPolicy.NoInsert)

        self.editing_id: int | None = None
        self.closed = False
        self._standards = None
        self._roster = ([], [], [])
        self._evidence: dict[str, str] = {}
        self._loading = False

        self.month_picker.monthChanged.connect(self.set_month)
        self.dateEdit.dateChanged.connect(self._window_or_date_changed)
        self.windowCombo.currentIndexChanged.connect(self._window_or_date_changed)
        self.standardCombo.currentIndexChanged.connect(self._fill_clauses)
        self.clauseCombo.currentIndexChanged.connect(self._clause_changed)
        for signal in (
            self.personCombo.currentIndexChanged,
            self.variantCombo.currentIndexChanged,
            self.countSpin.valueChanged,
            self.evidenceCombo.currentIndexChanged,
            self.referenceEdit.textChanged,
        ):
            signal.connect(self._update_preview)
        self.saveButton.clicked.connect(self.save)
        self.clearButton.clicked.connect(self.clear_form)
        self.filterEdit.textChanged.connect(self._filter_changed)
        self.showVoidedCheck.toggled.connect(self._filter_changed)
        self.editButton.clicked.connect(self.edit_selected)
        self.voidButton.clicked.connect(lambda: self.void_selected())
        self.incidentTable.doubleClicked.connect(lambda _: self.edit_selected())
        # Enter saves from any field of the form (combo pop-ups handle their own Enter).
        for widget in (
            self.dateEdit,
            self.windowCombo,
            self.personCombo,
            self.standardCombo,
            self.clauseCombo,
            self.variantCombo,
            self.countSpin,
            self.evidenceCombo,
            self.referenceEdit,
            self.noteEdit,
        ):
            widget.installEventFilter(self)
        self.refresh()

    # --- loading -------------------------------------------------------------------

    @property
    def month(self) -> str:
        return self.month_picker.month()

    def set_month(self, month: str) -> None:
        if self.month_picker.month() != month:
            self.month_picker.set_month(month)  # comes back here through monthChanged
            return
        first, last = month_bounds(month)
        self._loading = True
        self.dateEdit.setDateRange(_qdate(first), _qdate(last))
        today = date.today()
        self.dateEdit.setDate(_qdate(today if month_of(today) == month else first))
        self._loading = False
        self.refresh()

    def refresh(self) -> None:
        """Reload roster, standards and the month's incidents (after any change elsewhere)."""
        self._loading = True
        month = self.month
        first, last = month_bounds(month)
        if self.dateEdit.date() < _qdate(first) or self.dateEdit.date() > _qdate(last):
            self.dateEdit.setDateRange(_qdate(first), _qdate(last))
            self.dateEdit.setDate(_qdate(first))
        else:
            self.dateEdit.setDateRange(_qdate(first), _qdate(last))
        self._standards = rules.standard_set()
        self._roster = roster_view.roster()
        self._evidence = {e.code: e.name for e in roster_view.evidence_types()}
        current = self.windowCombo.currentData()
        self.windowCombo.clear()
        for w in self._roster[0]:
            if w.in_service(month):
                self.windowCombo.addItem(f"{w.code} {w.name}", w.code)
        if current is not None:
            index = self.windowCombo.findData(current)
            if index >= 0:
                self.windowCombo.setCurrentIndex(index)
        self._loading = False
        self._fill_people()
        self._fill_clauses()
        self.closed = bool(services.month_status(month)["closed"])
        self._apply_closed()
        self.reload_incidents()

    def reload_incidents(self) -> None:
        self.model.set_rows(incident_service.month_incidents(self.month))
        self._update_count_info()

    def _apply_closed(self) -> None:
        self.closedBanner.setVisible(self.closed)
        self.closedBanner.setText(CLOSED_TEXT if self.closed else "")
        for widget in (self.formBox, self.editButton, self.voidButton):
            widget.setEnabled(not self.closed)
        if self.closed:
            self.clear_form()

    # --- the form ------------------------------------------------------------------

    def _window_or_date_changed(self, *_):
        if not self._loading:
            self._fill_people()

    def _fill_people(self) -> None:
        code = self.windowCombo.currentData()
        day = _pydate(self.dateEdit.date())
        current = self.personCombo.currentData()
        _, people, assignments = self._roster
        names = {p.id: p.name for p in people}
        ids = sorted({a.person_id for a in assignments if a.window_code == code and a.covers(day)})
        self._loading = True
        self.personCombo.clear()
        self.personCombo.addItem("（不指定人员）", None)
        for pid in ids:
            roles = "、".join(sorted({a.role for a in assignments if a.person_id == pid and a.window_code == code and a.covers(day)}))
            self.personCombo.addItem(f"{pid} {names.get(pid, '')}（{roles}）", pid)
        index = self.personCombo.findData(current) if current else 0
        self.personCombo.setCurrentIndex(max(index, 0))
        self._loading = False
        self._update_preview()

    def _standard(self):
        kind = self.standardCombo.currentData() or WINDOW
        return self._standards.for_month(kind, self.month)

    def _fill_clauses(self, *_):
        if self._standards is None:
            return
        std = self._standard()
        current = self.clauseCombo.currentData()
        self._loading = True
        self.clauseCombo.clear()
        model: QStandardItemModel = self.clauseCombo.model()
        for category in std.scored_categories():
            clauses = sorted(
                (c for c in std.incident_clauses() if c.category_code == category.code), key=lambda c: clause_sort_key(c.code)
            )
            if not clauses:
                continue
            self.clauseCombo.addItem(f"—— {category.code} {category.name}（{category.points} 分）——", None)
            header = model.item(self.clauseCombo.count() - 1)
            header.setEnabled(False)
            for clause in clauses:
                short = clause.text if len(clause.text) <= 30 else clause.text[:30] + "…"
                self.clauseCombo.addItem(f"{clause.code}  {short}", clause.code)
                self.clauseCombo.setItemData(self.clauseCombo.count() - 1, clause.text, Qt.ToolTipRole)
        index = self.clauseCombo.findData(current) if current else -1
        if index < 0:
            index = next((i for i in range(self.clauseCombo.count()) if self.clauseCombo.itemData(i)), -1)
        self.clauseCombo.setCurrentIndex(index)
        self._loading = False
        self._clause_changed()

    def _clause(self) -> Clause | None:
        code = self.clauseCombo.currentData()
        return self._standard().clause(code) if code else None

    def _clause_changed(self, *_):
        if self._loading:
            return
        clause = self._clause()
        self._loading = True
        self.variantCombo.clear()
        has_variants = bool(clause and clause.has_variants)
        if has_variants:
            for v in clause.variants:
                self.variantCombo.addItem(v.name, v.name)
        self.variantCombo.setVisible(has_variants)
        self.variantLabel.setVisible(has_variants)
        current = self.evidenceCombo.currentData()
        self.evidenceCombo.clear()
        if clause:
            for code in clause.evidence_codes:
                self.evidenceCombo.addItem(self._evidence.get(code, code), code)
            self.evidenceCombo.addItem("其他（须填写依据说明）", OTHER_EVIDENCE)
            index = self.evidenceCombo.findData(current)
            self.evidenceCombo.setCurrentIndex(max(index, 0))
            self.clauseCombo.setToolTip(f"{clause.code} {clause.text}" + (f"\n单位：{clause.unit}" if clause.unit else ""))
        self._loading = False
        self._update_preview()

    def form_input(self) -> incident_service.IncidentInput:
        return incident_service.IncidentInput(
            date=_pydate(self.dateEdit.date()),
            window_code=self.windowCombo.currentData() or self.windowCombo.currentText().split(" ")[0].strip(),
            clause_code=self.clauseCombo.currentData() or "",
            count=self.countSpin.value(),
            evidence_code=self.evidenceCombo.currentData() or "",
            variant=self.variantCombo.currentData() or "",  # empty combo when the clause has no variants
            person_id=self.personCombo.currentData(),
            reference=self.referenceEdit.text(),
            note=self.noteEdit.text(),
        )

    def _update_preview(self, *_):
        if self._loading or self._standards is None:
            return
        text = ""
        try:
            preview = incident_service.preview(self.form_input(), exclude_id=self.editing_id)
        except (LookupError, ValueError):
            preview = None
        if preview is not None:
            text = preview.text()
            clause = self._clause()
            if clause and self._standard().kind == STAFF and not self.personCombo.currentData():
                text += "（人员考评条款须选择人员）"
        self.previewLabel.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            popup = getattr(watched, "view", None)
            if popup is not None and watched.view().isVisible():
                return False
            self.save()
            return True
        return super().eventFilter(watched, event)

    def save(self) -> bool:
        """Add the incident (or update the one being edited); errors stay in the form."""
        if self.closed:
            self.errorLabel.setText(CLOSED_TEXT)
            return False
        data = self.form_input()
        try:
            if self.editing_id is None:
                incident_service.add_incident(data)
            else:
                incident_service.update_incident(self.editing_id, data)
        except (InputError, MonthClosedError, ValueError) as exc:
            self.errorLabel.setText(f"未保存：{exc}")
            return False
        self.errorLabel.setText("")
        self.clear_form(keep_context=True)
        self.reload_incidents()
        self.incidents_changed.emit()
        return True

    def clear_form(self, keep_context: bool = False) -> None:
        """Ready for the next incident; the date, window and clause stay for a run of entries."""
        self.editing_id = None
        self.modeLabel.setText("")
        self.saveButton.setText("保存（回车）")
        self.countSpin.setValue(1)
        self.referenceEdit.clear()
        self.noteEdit.clear()
        if not keep_context:
            self.errorLabel.setText("")
        self._update_preview()

    # --- the list ------------------------------------------------------------------

    def _filter_changed(self, *_):
        self.proxy.set_text(self.filterEdit.text())
        self.proxy.set_show_voided(self.showVoidedCheck.isChecked())
        self._update_count_info()

    def _update_count_info(self) -> None:
        self.countInfoLabel.setText(f"显示 {self.proxy.rowCount()} 条 / 本月共 {self.model.rowCount()} 条")

    def selected_row(self):
        indexes = self.incidentTable.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.proxy.data(indexes[0], RowRole)

    def edit_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            self.errorLabel.setText("请先在下方列表中选择一条记录")
            return False
        if row.voided:
            self.errorLabel.setText("已作废的记录不能修改")
            return False
        if self.closed:
            return False
        self.standardCombo.setCurrentIndex(self.standardCombo.findData(row.standard_kind))
        self.dateEdit.setDate(_qdate(row.date))
        self.windowCombo.setCurrentIndex(self.windowCombo.findData(row.window_code))
        self._fill_people()
        self.personCombo.setCurrentIndex(max(self.personCombo.findData(row.person_id or None), 0))
        self.clauseCombo.setCurrentIndex(self.clauseCombo.findData(row.clause_code))
        if row.variant:
            self.variantCombo.setCurrentIndex(self.variantCombo.findData(row.variant))
        self.countSpin.setValue(row.count)
        self.evidenceCombo.setCurrentIndex(max(self.evidenceCombo.findData(row.evidence_code), 0))
        self.referenceEdit.setText(row.reference)
        self.noteEdit.setText(row.note)
        self.editing_id = row.id
        self.modeLabel.setText(f"正在修改：{row.date} {row.window_code} 条款 {row.clause_code}")
        self.saveButton.setText("保存修改（回车）")
        self._update_preview()
        return True

    def void_selected(self, reason: str | None = None) -> bool:
        row = self.selected_row()
        if row is None:
            self.errorLabel.setText("请先在下方列表中选择一条记录")
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "作废扣分记录", f"作废 {row.date} {row.window_code} 条款 {row.clause_code}。\n请填写作废理由："
            )
            if not ok:
                return False
        try:
            incident_service.void_incident(row.id, reason)
        except (InputError, MonthClosedError) as exc:
            self.errorLabel.setText(f"未作废：{exc}")
            return False
        self.errorLabel.setText("")
        if self.editing_id == row.id:
            self.clear_form()
        self.reload_incidents()
        self.incidents_changed.emit()
        return True
