"""扣分录入: the incident form with its live deduction preview, and the month's incidents.

Every searchable field is a `StrictCombo`: the typed text decides what is saved,
and text that names no item, or several, blocks saving. `将保存为` spells out in
full what Enter would store. The month is the window's shared month (AppState).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDateTimeEdit, QInputDialog, QMessageBox, QWidget

from .. import services
from ..domain.calendar import month_bounds, month_of
from ..domain.standards import OTHER_EVIDENCE, STAFF, STANDARD_LABELS, WINDOW, Clause, clause_sort_key
from ..domain.validation import incident_text_problems, problems_text, text_problems
from ..services import catalogue as rules
from ..services import incidents as incident_service
from ..services import roster_view
from ..services import settings as settings_service
from ..services.errors import DatabaseBusy, InputError, MonthClosedError
from .app_state import INCIDENTS, MONTHS, ROSTER, STANDARDS, AppState, LazyRefresh
from .incident_models import IncidentFilter, IncidentTableModel, RowRole
from .strict_combo import Choice, StrictCombo
from .tasks import BackgroundCall
from .uiload import load_into

CLOSED_TEXT = "本月已锁定，不能录入或修改。如需修改，请在「月度结果」中点击「重新开放」（须填写理由）。"
NO_PERSON = "（不指定人员）"
_NOT_CHOSEN = "（未选择）"
_INVALID = "（无效）"
_STALE = object()  # a list key that matches nothing: rebuild the list


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class EntryTab(LazyRefresh, QWidget):
    MONTHS_REMEMBERED = 3  # a busy month's rows are some 10 MB

    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        load_into(self, "entry_tab.ui")
        self.state = state if state is not None else AppState(settings_service.starting_month(), self)

        self.model = IncidentTableModel(self)
        self.proxy = IncidentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.incidentTable.setModel(self.proxy)
        self.incidentTable.verticalHeader().setDefaultSectionSize(22)
        self.incidentTable.horizontalHeader().setStretchLastSection(True)

        self.standardCombo.addItem(STANDARD_LABELS[WINDOW], WINDOW)
        self.standardCombo.addItem(STANDARD_LABELS[STAFF], STAFF)
        self.windows = StrictCombo(self.windowCombo, "窗口", scope="（只列出本月在驻的窗口）")
        self.people = StrictCombo(
            self.personCombo, "人员", empty_data=None, scope="（只列出所选窗口在该日期在岗的人员）"
        )
        self.clauses = StrictCombo(self.clauseCombo, "条款", scope="（只列出所选标准的条款）")
        self.variants = StrictCombo(self.variantCombo, "情形")
        self.evidence = StrictCombo(self.evidenceCombo, "评定依据", scope="（只列出该条款的评定依据和“其他”）")
        self.personCombo.lineEdit().setPlaceholderText("工号或姓名；空 = 不指定人员")
        self.clauseCombo.lineEdit().setPlaceholderText("条款编号或内容，如 4.4、超出承诺")
        self.variantCombo.lineEdit().setPlaceholderText("情形名称")
        self.strict = (self.windows, self.people, self.clauses, self.variants, self.evidence)

        self.editing_id: int | None = None
        self._own_change = False  # set while our own save is announced
        self._table = BackgroundCall(self, self._table_loaded, self._table_failed)
        # The last months' rows by (month, data version): switching back and forth re-reads nothing.
        self._month_rows: OrderedDict[tuple[str, int], list] = OrderedDict()
        self.closed = False
        self.duplicate_prompt: QMessageBox | None = None  # the open 重复 question, for tests
        self._standards = None
        self._roster = None
        self._window_names: dict[str, str] = {}
        self._person_names: dict[str, str] = {}
        self._evidence: dict[str, str] = {}
        self._people_key = _STALE  # (window, day) the person list was built for
        self._clause_key = _STALE  # clause the variant and evidence lists were built for
        self._loading = False
        # Every form signal lands here; one pass runs once control returns to the event
        # loop, however many signals fired (typing, refills, a whole edit_selected).
        self._form_timer = QTimer(self)
        self._form_timer.setSingleShot(True)
        self._form_timer.setInterval(0)
        self._form_timer.timeout.connect(self._update_form)

        self.dateEdit.dateChanged.connect(self._form_changed)
        self.standardCombo.currentIndexChanged.connect(self._standard_changed)
        self.countSpin.valueChanged.connect(self._form_changed)
        self.referenceEdit.textChanged.connect(self._form_changed)
        self.noteEdit.textChanged.connect(self._form_changed)  # for the length hint
        for combo in self.strict:
            combo.changed.connect(self._form_changed)
            # Leaving the window or clause by Tab: the person list and the 情形 field must be
            # right before focus moves on (a hidden 情形 would be skipped).
            combo.committed.connect(self._sync_lists)
        self.saveButton.clicked.connect(self.save)
        self.clearButton.clicked.connect(lambda: self.clear_form())
        self.filterEdit.textChanged.connect(self._filter_changed)
        self.showVoidedCheck.toggled.connect(self._filter_changed)
        self.editButton.clicked.connect(self.edit_selected)
        self.voidButton.clicked.connect(lambda: self.void_selected())
        self.incidentTable.doubleClicked.connect(lambda _: self.edit_selected())
        # Enter saves from any field of the form (a combo's open list takes its own Enter).
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
        for combo in self.strict:
            combo.popup().installEventFilter(self)

        self.watch(self.state)
        # Loaded when first shown (or by set_month/refresh/flush), not while the window starts.
        self._pending |= {self.MONTH, ROSTER, STANDARDS, INCIDENTS, MONTHS}

    # --- loading -------------------------------------------------------------------

    @property
    def month(self) -> str:
        return self.state.month

    def set_month(self, month: str) -> None:
        """Show `month` (the shared month: every tab follows) and load it now."""
        self.state.set_month(month)
        self.flush()
        self.wait_for_table()

    def refresh(self) -> None:
        """Reload everything now (after a change made outside the shared state)."""
        self._pending |= {self.MONTH, ROSTER, STANDARDS, INCIDENTS, MONTHS}
        self.flush()
        self.wait_for_table()

    def refresh_for(self, kinds: frozenset) -> None:
        month_changed = self.MONTH in kinds
        self._loading = True
        try:
            if month_changed:
                self._apply_month()
            if STANDARDS in kinds or self._standards is None:
                self._standards = rules.standard_set()
                self._evidence = {e.code: e.name for e in roster_view.evidence_types()}
                self._clause_key = _STALE
            if ROSTER in kinds or self._roster is None:
                self._roster = roster_view.roster()
                self._window_names = {w.code: w.name for w in self._roster[0]}
                self._person_names = {p.id: p.name for p in self._roster[1]}
                self._people_key = _STALE
            if ROSTER in kinds or month_changed:
                self._fill_windows()
                self._people_key = _STALE
            if STANDARDS in kinds or month_changed:
                self._fill_clauses(keep_missing=True)
        finally:
            self._loading = False
        if MONTHS in kinds or month_changed:
            self.closed = bool(services.month_status(self.month)["closed"])
            self._apply_closed()
        if (INCIDENTS in kinds and not self._own_change) or MONTHS in kinds or month_changed:
            self._load_table_in_background()
        self._form_changed()

    def _apply_month(self) -> None:
        month = self.month
        first, last = month_bounds(month)
        current = _pydate(self.dateEdit.date())
        self.dateEdit.setDateRange(_qdate(first), _qdate(last))
        # Only the day is typed: the year and month are the shared month, shown as text.
        self.dateEdit.setDisplayFormat(f"'{month}-'dd")
        if month_of(current) != month:
            today = date.today()
            self.dateEdit.setDate(_qdate(today if month_of(today) == month else first))
        self.monthInfoLabel.setText(f"录入月份：{month[:4]} 年 {int(month[5:7])} 月（在窗口上方切换月份）")

    def reload_incidents(self) -> None:
        """The month's incidents, now: one query, one model reset."""
        self._table.cancel()
        self.model.set_rows(incident_service.month_incidents(self.month))
        self._update_count_info()

    def _load_table_in_background(self) -> None:
        """A month of 10,000 incidents takes ~100 ms to read: read it in a worker, so the
        window keeps painting; the table stays empty meanwhile (never another month's rows).
        A month read since the last change is shown from memory."""
        key = (self.month, self.state.version)
        known = self._month_rows.get(key)
        if known is not None:
            self._table.cancel()
            self._month_rows.move_to_end(key)
            self._table_loaded((key, known))
            return
        self.model.set_rows([])
        self.countInfoLabel.setText("正在读取本月的扣分记录……")
        self._table.start(lambda: (key, incident_service.month_incidents(key[0])))

    def _table_loaded(self, answer) -> None:
        key, rows = answer
        self._remember_rows(key, rows)
        self.model.set_rows(rows)  # (the model keeps its own list: put_row never changes these)
        self._update_count_info()

    def _remember_rows(self, key: tuple[str, int], rows: list) -> None:
        self._month_rows[key] = rows
        self._month_rows.move_to_end(key)
        while len(self._month_rows) > self.MONTHS_REMEMBERED:
            self._month_rows.popitem(last=False)

    def _table_failed(self, error: BaseException) -> None:
        self.countInfoLabel.setText(f"读取本月扣分记录失败：{error}")

    def table_loading(self) -> bool:
        return self._table.busy()

    def wait_for_table(self) -> bool:
        """Until the month's incidents are in the table (a reader may still be running)."""
        return self._table.wait()

    def stop_work(self, msecs: int = -1) -> bool:
        """Before the database is closed or replaced: no reader left running."""
        self._table.stop(msecs / 1000 if msecs >= 0 else 30.0)
        return True

    def _apply_closed(self) -> None:
        self.closedBanner.setVisible(self.closed)
        self.closedBanner.setText(CLOSED_TEXT if self.closed else "")
        for widget in (self.formBox, self.editButton, self.voidButton):
            widget.setEnabled(not self.closed)
        if self.closed:
            self.discard_changes()

    # --- the lists behind the combos -------------------------------------------------

    def _fill_windows(self) -> None:
        month = self.month
        self.windows.set_items(
            [Choice(f"{w.code} {w.name}", w.code, w.name) for w in self._roster[0] if w.in_service(month)],
            keep_missing=True,
        )

    def _fill_people(self, window_code: str | None, day: date) -> None:
        _, people, assignments = self._roster
        roles: dict[str, set[str]] = {}
        for a in assignments:
            if a.window_code == window_code and a.covers(day):
                roles.setdefault(a.person_id, set()).add(a.role)
        choices = [Choice(NO_PERSON, None, "不指定人员")]
        for pid in sorted(roles):
            name = self._person_names.get(pid, "")
            choices.append(Choice(f"{pid} {name}（{'、'.join(sorted(roles[pid]))}）", pid, name))
        # A person typed for another window stays as typed, so it shows invalid instead of
        # silently becoming 不指定人员.
        self.people.set_items(choices, default=0, keep_missing=True)
        self._people_key = (window_code, day)

    def _standard(self):
        kind = self.standardCombo.currentData() or WINDOW
        return self._standards.for_month(kind, self.month)

    def _standard_changed(self, *_):
        if self._standards is None:
            return
        self._loading = True
        try:
            self._fill_clauses(keep_missing=False)
        finally:
            self._loading = False
        self._form_changed()

    def _fill_clauses(self, keep_missing: bool) -> None:
        std = self._standard()
        choices = []
        for category in std.scored_categories():
            clauses = sorted(
                (c for c in std.incident_clauses() if c.category_code == category.code), key=lambda c: clause_sort_key(c.code)
            )
            if not clauses:
                continue
            choices.append(Choice(f"—— {category.code} {category.name}（{category.points} 分）——", None, enabled=False))
            for clause in clauses:
                short = clause.text if len(clause.text) <= 30 else clause.text[:30] + "…"
                choices.append(Choice(f"{clause.code}  {short}", clause.code, clause.text, tooltip=clause.text))
        self.clauses.set_items(choices, keep_missing=keep_missing)
        self._clause_key = _STALE

    def _clause(self) -> Clause | None:
        code = self.clauses.value_or_none()
        return self._standard().clause(code) if code and self._standards is not None else None

    def _fill_clause_lists(self, clause: Clause | None) -> None:
        """Variants and evidence of the chosen clause."""
        has_variants = bool(clause and clause.has_variants)
        self.variants.set_items(
            [Choice(v.name, v.name, v.name) for v in clause.variants] if has_variants else [], keep_missing=False
        )
        self.variantCombo.setVisible(has_variants)
        self.variantLabel.setVisible(has_variants)
        choices = []
        if clause:
            for code in clause.evidence_codes:
                name = self._evidence.get(code, code)
                choices.append(Choice(f"{code} {name}", code, name))
            choices.append(Choice(f"{OTHER_EVIDENCE} 其他（须填写依据说明）", OTHER_EVIDENCE, "其他"))
        self.evidence.set_items(choices, default=0 if choices else -1, keep_missing=False)
        self._clause_key = clause.code if clause else None

    # --- the form ------------------------------------------------------------------

    def _form_changed(self, *_):
        if not self._loading:
            self._form_timer.start()

    def _sync_lists(self) -> None:
        """Person, variant and evidence lists follow the window, date and clause typed."""
        if self._roster is None or self._standards is None:
            return
        was_loading, self._loading = self._loading, True
        try:
            window = self.windows.value_or_none()
            day = _pydate(self.dateEdit.date())
            if self._people_key != (window, day):
                self._fill_people(window, day)
            clause = self._clause()
            if self._clause_key != (clause.code if clause else None):
                self._fill_clause_lists(clause)
        finally:
            self._loading = was_loading

    def flush_form(self) -> None:
        """Run a pending form update now (before saving, or in a test)."""
        self._form_timer.stop()
        self._update_form()

    def _update_form(self) -> None:
        if self._standards is None:
            return
        self._sync_lists()
        problems = [c.shown_problem() for c in self.strict if c.combo.isVisibleTo(self) and c.shown_problem()]
        # The import's limits (validation.text_problem), shown while typing.
        typed = text_problems((("依据说明", self.referenceEdit.text().strip()), ("备注", self.noteEdit.text().strip())))
        if typed:
            problems.append(problems_text(typed))
        self.hintLabel.setText("；".join(problems))
        self.summaryLabel.setText(self.summary_text())
        self._update_preview()

    def _part(self, combo: StrictCombo, describe) -> str:
        found = combo.resolve()
        if found.status == "ok":
            return describe(combo.combo.itemData(found.index))
        return _NOT_CHOSEN if found.status == "empty" else _INVALID

    def summary_text(self) -> str:
        """将保存为：… — everything Enter would store, in full."""
        window = self._part(self.windows, lambda code: f"{code} {self._window_names.get(code, '')}")
        person = self._part(self.people, lambda pid: f"{pid} {self._person_names.get(pid, '')}" if pid else "不指定人员")
        clause_obj = self._clause()
        clause = self._part(self.clauses, lambda code: f"{code} {clause_obj.text}" if clause_obj else code)
        parts = [
            _pydate(self.dateEdit.date()).isoformat(),
            f"窗口 {window}",
            f"人员 {person}",
            f"{STANDARD_LABELS.get(self.standardCombo.currentData(), '')}考评条款 {clause}",
        ]
        if clause_obj is not None and clause_obj.has_variants:
            parts.append(f"情形 {self._part(self.variants, str)}")
        parts.append(f"{self.countSpin.value()} 次")
        parts.append(f"依据 {self._part(self.evidence, lambda code: f'{code} {self._evidence.get(code, code)}')}")
        if self.editing_id is not None:
            return "将修改为：" + "；".join(parts)
        return "将保存为：" + "；".join(parts)

    def form_input(self) -> incident_service.IncidentInput:
        """What the form would save; ValueError (a Chinese message) while a field does not
        name exactly one item."""
        problems = []

        def take(combo: StrictCombo, needed: bool = True):
            try:
                return combo.value()
            except ValueError as exc:
                if needed:
                    problems.append(str(exc))
                return None

        window = take(self.windows)
        person = take(self.people)
        clause_code = take(self.clauses)
        clause = self._clause()
        variant = take(self.variants) if clause is not None and clause.has_variants else ""
        evidence = take(self.evidence)
        if problems:
            raise ValueError("；".join(problems))
        return incident_service.IncidentInput(
            date=_pydate(self.dateEdit.date()),
            window_code=window,
            clause_code=clause_code,
            count=self.countSpin.value(),
            evidence_code=evidence,
            variant=variant or "",
            person_id=person,
            reference=self.referenceEdit.text(),
            note=self.noteEdit.text(),
        )

    def _update_preview(self) -> None:
        text = ""
        try:
            data = self.form_input()
        except ValueError:
            data = None
        if data is not None:
            try:
                # Per-category sums in the service; never the month's rows per keystroke.
                preview = incident_service.preview(data, exclude_id=self.editing_id)
            except (LookupError, ValueError):
                preview = None
            if preview is not None:
                text = preview.text()
                if self._standard().kind == STAFF and not data.person_id:
                    text += "（人员考评条款须选择人员）"
        self.previewLabel.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if self._popup_takes_enter(watched):
                return False
            for combo in self.strict:
                combo.hide_popup()
            self.save()
            return True
        return super().eventFilter(watched, event)

    def _popup_takes_enter(self, watched: QObject) -> bool:
        """An open drop-down list, or a highlighted match in the completer, takes Enter as a pick."""
        view = getattr(watched, "view", None)
        if view is not None and callable(view) and view().isVisible():
            return True
        for combo in self.strict:
            if watched is combo.popup():
                return combo.popup().currentIndex().isValid()
        return False

    # --- saving --------------------------------------------------------------------

    def save(self) -> bool:
        """Add the incident (or update the one being edited); problems stay in the form.
        An incident identical to a stored one is only saved after the user says yes."""
        if self.duplicate_prompt is not None and self.duplicate_prompt.isVisible():
            return False  # still waiting for the answer: a second Enter never saves twice
        if self.closed:
            self.errorLabel.setText(CLOSED_TEXT)
            return False
        # A day or count still being typed ("3" may become "31") counts as typed.
        self.dateEdit.interpretText()
        self.countSpin.interpretText()
        self.flush_form()
        for combo in self.strict:
            combo.commit()
        try:
            data = self.form_input()
        except ValueError as exc:
            self.errorLabel.setText(f"未保存：{exc}")
            self._focus_first_problem()
            return False
        refused = incident_text_problems(data.to_incident())  # the same limits as an import
        if refused:
            self.errorLabel.setText(f"未保存：{problems_text(refused)}")
            edit = self.noteEdit if refused[0][0] == "备注" else self.referenceEdit
            edit.setFocus(Qt.OtherFocusReason)
            return False
        same = incident_service.identical_count(data, exclude_id=self.editing_id)
        if same:
            self._ask_duplicate(data, same)
            return False
        return self._store(data)

    def _focus_first_problem(self) -> None:
        for combo in self.strict:
            if combo.combo.isVisibleTo(self) and not combo.is_valid():
                combo.combo.setFocus(Qt.OtherFocusReason)
                combo.combo.lineEdit().selectAll()
                return

    def _ask_duplicate(self, data: incident_service.IncidentInput, same: int) -> QMessageBox:
        if self.duplicate_prompt is not None:
            self.duplicate_prompt.deleteLater()
        text = (
            f"已有 {same} 条完全相同的扣分记录（日期、窗口、人员、条款、情形、评定依据、依据说明都相同）：\n\n"
            f"{self.summary_text().split('：', 1)[1]}\n\n仍要再保存一条吗？"
        )
        box = QMessageBox(QMessageBox.Question, "重复的扣分记录", text, QMessageBox.Yes | QMessageBox.No, self)
        box.button(QMessageBox.Yes).setText("是(&Y)")
        box.button(QMessageBox.No).setText("否(&N)")
        box.setDefaultButton(QMessageBox.No)
        box.setEscapeButton(QMessageBox.No)
        editing = self.editing_id

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.Yes) and self.editing_id == editing:
                self._store(data)
            else:
                self.errorLabel.setText("未保存：与已有记录重复")

        box.finished.connect(answered)
        self.duplicate_prompt = box
        box.open()  # window-modal, not blocking: tests answer it like a user
        return box

    def _store(self, data: incident_service.IncidentInput) -> bool:
        if self.closed:
            self.errorLabel.setText(CLOSED_TEXT)
            return False
        try:
            if self.editing_id is None:
                saved_id = incident_service.add_incident(data)
            else:
                saved_id = self.editing_id
                incident_service.update_incident(saved_id, data)
        except (InputError, MonthClosedError, DatabaseBusy, ValueError) as exc:  # the form stays filled
            self.errorLabel.setText(f"未保存：{exc}")
            return False
        self.errorLabel.setText("")
        self.clear_form(keep_context=True)
        self._incidents_changed(saved_id)
        # Ready for the next one: date, window and clause stay; the cursor is on the day.
        self.dateEdit.setFocus(Qt.OtherFocusReason)
        self.dateEdit.setSelectedSection(QDateTimeEdit.DaySection)
        return True

    def _incidents_changed(self, incident_id: int) -> None:
        """Put the one changed row into the table (no reload of the month, no roster) and tell the window."""
        if self._table.busy():  # the month is still being read: read it again, with this row
            self._load_table_in_background()
        else:
            row = incident_service.incident_row(incident_id)
            if row is not None:
                self.model.put_row(row)
                self._update_count_info()
        self._own_change = True  # our table is current: the signal need not reload it
        try:
            self.state.notify(INCIDENTS)
        finally:
            self._own_change = False
        if not self._table.busy():  # the table as it is now is the month at the new version
            self._remember_rows((self.month, self.state.version), list(self.model.rows()))
        self._pending.discard(INCIDENTS)
        self._form_changed()

    def clear_form(self, keep_context: bool = False) -> None:
        """Ready for the next incident; the date, window and clause stay for a run of entries."""
        self.editing_id = None
        self.modeLabel.setText("")
        self.saveButton.setText("保存（回车）")
        self.countSpin.setValue(1)
        self.referenceEdit.clear()
        self.noteEdit.clear()
        self.people.select_index(0)  # 不指定人员: the next incident names its own person
        if not keep_context:
            self.errorLabel.setText("")
        self._form_changed()

    def has_unsaved_changes(self) -> bool:
        """The form holds something typed that Enter has not stored yet, or an edit is open."""
        return bool(
            self.editing_id is not None
            or self.referenceEdit.text().strip()
            or self.noteEdit.text().strip()
            or self.countSpin.value() != 1
        )

    def discard_changes(self) -> None:
        self.clear_form()

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
        # Whatever is not in today's lists (a window since withdrawn…) shows as typed, and invalid.
        self.windows.show_value(row.window_code, row.window_code)
        self.clauses.show_value(row.clause_code, row.clause_code)
        self._sync_lists()  # the person, variant and evidence lists of that window and clause
        self.people.show_value(row.person_id or None, row.person_id)
        if row.variant:
            self.variants.show_value(row.variant, row.variant)
        self.evidence.show_value(row.evidence_code, row.evidence_code)
        self.countSpin.setValue(row.count)
        self.referenceEdit.setText(row.reference)
        self.noteEdit.setText(row.note)
        self.editing_id = row.id
        self.modeLabel.setText(f"正在修改：{row.date} {row.window_code} 条款 {row.clause_code}")
        self.saveButton.setText("保存修改（回车）")
        self._form_changed()
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
        except (InputError, MonthClosedError, DatabaseBusy) as exc:
            self.errorLabel.setText(f"未作废：{exc}")
            return False
        self.errorLabel.setText("")
        if self.editing_id == row.id:
            self.clear_form()
        self._incidents_changed(row.id)
        return True
