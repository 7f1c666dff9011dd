"""The 评分标准 tab: browse both standards by version; an edit saves a new version.

The version shown first is the one in force in the window's shared month. The tab
reads the standards when first shown and again after a STANDARDS change (or a
restore); a saved edit tells everyone with `state.notify(STANDARDS)`.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QWidget

from ..domain.calendar import add_months, month_of
from ..domain.records import replace
from ..domain.standards import DISQUALIFY_YEAR, STANDARD_KINDS, STANDARD_LABELS, WINDOW, Clause, Standard
from ..services import MonthClosedError
from ..services import catalogue as rules  # the rule-editing service
from ..services import roster_view
from ..services import settings as settings_service
from .app_state import STANDARDS, AppState, LazyRefresh
from .results_models import WIDTHS_REMEMBERED
from .service_dialog import ServiceDialog
from .standards_models import ClauseFilter, ClauseRole, ClausesModel, VariantsModel
from .uiload import load_into


def next_month(today: date | None = None) -> str:
    return add_months(month_of(today or date.today()), 1)


class ClauseDialog(ServiceDialog):
    """Edit one clause of `standard`; OK stores the whole standard as a new version."""

    ui_file = "clause_dialog.ui"

    def __init__(self, parent, standard: Standard, clause: Clause, evidence, effective_month: str | None = None):
        super().__init__(parent, f"编辑条款 {clause.code}")
        self.resize(720, 680)
        self.standard, self.clause = standard, clause
        self.saved: Standard | None = None
        category = standard.category(clause.category_code)
        self.clauseLabel.setText(
            f"{rules.describe_version(standard)}\n类别 {category.code} {category.name} · 条款 {clause.code}"
        )
        self.textEdit.setPlainText(clause.text)
        self.unitEdit.setText(clause.unit)
        self.variants = VariantsModel(clause.variants, self)
        self.variantsView.setModel(self.variants)
        self.variantsView.verticalHeader().hide()
        self.variantsView.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        # A window clause deducts window and chief points, a staff clause person points.
        self.variantsView.setColumnHidden(3, standard.kind == WINDOW and not any(v.person_points for v in clause.variants))
        self.variantsView.setColumnHidden(1, standard.kind != WINDOW)
        self.variantsView.setColumnHidden(2, standard.kind != WINDOW)
        self.addVariantButton.clicked.connect(self._add_variant)
        self.removeVariantButton.clicked.connect(
            lambda: self.variants.remove_row(self.variantsView.currentIndex().row())
        )
        self.evidence = QStandardItemModel(self)
        for e in evidence:
            item = QStandardItem(f"{e.code} {e.name}")
            item.setData(e.code, Qt.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.Checked if e.code in clause.evidence_codes else Qt.Unchecked)
            self.evidence.appendRow(item)
        self.evidenceView.setModel(self.evidence)
        self.consequenceCheck.setChecked(clause.consequence == DISQUALIFY_YEAR)
        self.effectiveMonthEdit.setText(effective_month or next_month())
        self.textEdit.setFocus()

    def _add_variant(self) -> None:
        row = self.variants.add_row()
        index = self.variants.index(row, 0)
        self.variantsView.setCurrentIndex(index)
        self.variantsView.edit(index)

    def set_variant_points(self, row: int, column: int, text: str) -> None:
        """Type into one cell of the variants table (column 1 窗口, 2 首席, 3 人员)."""
        self.variants.setData(self.variants.index(row, column), text)

    def edited_clause(self) -> Clause:
        checked = [
            self.evidence.item(r).data(Qt.UserRole)
            for r in range(self.evidence.rowCount())
            if self.evidence.item(r).checkState() == Qt.Checked
        ]
        # Keep the clause's own evidence order, new ones after.
        order = list(self.clause.evidence_codes) + [c for c in checked if c not in self.clause.evidence_codes]
        consequence = self.clause.consequence
        if self.consequenceCheck.isChecked():
            consequence = DISQUALIFY_YEAR
        elif consequence == DISQUALIFY_YEAR:
            consequence = None
        return replace(
            self.clause,
            text=self.textEdit.toPlainText().strip(),
            unit=self.unitEdit.text().strip(),
            variants=self.variants.variants(),
            evidence_codes=tuple(c for c in order if c in checked),
            consequence=consequence,
        )

    def edited_standard(self) -> Standard:
        clause = self.edited_clause()
        clauses = tuple(clause if c.code == self.clause.code else c for c in self.standard.clauses)
        return replace(self.standard, clauses=clauses)

    def accept(self) -> None:
        # ValueError covers a bad month or points; the services' InputError is one too.
        try:
            if not self.edited_clause().evidence_codes:
                raise ValueError("至少要勾选一种评定依据")
            self.saved = rules.save_new_version(
                self.edited_standard(), self.effectiveMonthEdit.text(), self.noteEdit.text().strip()
            )
        except (ValueError, MonthClosedError) as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        QDialog.accept(self)


class StandardsTab(LazyRefresh, QWidget):
    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        self.state = state if state is not None else AppState(settings_service.starting_month(), self)
        load_into(self, "standards_tab.ui")
        for kind in STANDARD_KINDS:
            self.kindCombo.addItem(f"{STANDARD_LABELS[kind]}标准", kind)
        self.model = ClausesModel(self)
        self.proxy = ClauseFilter(self)
        self.proxy.setSourceModel(self.model)
        self.clausesView.setModel(self.proxy)
        self.clausesView.verticalHeader().hide()
        header = self.clausesView.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.kindCombo.currentIndexChanged.connect(self._fill_versions)
        self.versionCombo.currentIndexChanged.connect(self._show_version)
        self.filterEdit.textChanged.connect(self._filter)
        self.editButton.clicked.connect(self.edit_selected)
        self.clausesView.doubleClicked.connect(lambda _i: self.edit_selected())
        self.clausesView.selectionModel().selectionChanged.connect(self._update_buttons)
        self.standards = None
        self.evidence = []
        self._sized = False
        self.watch(self.state)
        self._pending.add(STANDARDS)  # read when first shown

    def refresh_for(self, kinds: frozenset) -> None:
        if STANDARDS in kinds:
            self.refresh()
        elif self.MONTH in kinds and self.standards is not None:
            self._fill_versions()  # show the version in force in the new month

    def refresh(self) -> None:
        self.standards = rules.standard_set()
        self.evidence = roster_view.evidence_types()
        self._fill_versions()

    def kind(self) -> str:
        return self.kindCombo.currentData()

    def versions(self) -> list[Standard]:
        found = [s for s in self.standards.versions if s.kind == self.kind()]
        return sorted(found, key=lambda s: (s.effective_month, s.version))

    def _fill_versions(self, *_args, select: tuple[int, str] | None = None) -> None:
        if self.standards is None:
            return  # not read yet (the tab was never shown)
        versions = self.versions()
        in_force = self.standards.for_month(self.kind(), self.state.month) if versions else None
        wanted = select or ((in_force.version, in_force.effective_month) if in_force else None)
        self.versionCombo.blockSignals(True)
        self.versionCombo.clear()
        for std in versions:
            label = rules.describe_version(std)
            if std is in_force:
                label += f"　· {self.state.month} 施行"
            self.versionCombo.addItem(label, (std.version, std.effective_month))
        index = self.versionCombo.findData(wanted) if wanted else -1
        self.versionCombo.setCurrentIndex(index if index >= 0 else self.versionCombo.count() - 1)
        self.versionCombo.blockSignals(False)
        self._show_version()

    def current_standard(self) -> Standard | None:
        key = self.versionCombo.currentData()
        for std in self.versions():
            if (std.version, std.effective_month) == key:
                return std
        return None

    def _show_version(self, *_args) -> None:
        std = self.current_standard()
        self.model.set_standard(std, self.evidence)
        self.describeLabel.setText(
            f"{std.name} — {rules.describe_version(std)}；共 {len(std.categories)} 类 {len(std.clauses)} 条"
            if std
            else "没有评分标准"
        )
        # Window clauses deduct window and chief points, staff clauses person points.
        window = self.kind() == WINDOW
        self.clausesView.setColumnHidden(4, not window)
        self.clausesView.setColumnHidden(5, not window)
        self.clausesView.setColumnHidden(6, window)
        if not self._sized and not self.clausesView.property(WIDTHS_REMEMBERED):
            # Once: later versions keep the widths the clerk set.
            self._sized = True
            self.clausesView.resizeColumnsToContents()
            self.clausesView.setColumnWidth(2, min(420, self.clausesView.columnWidth(2)))
            self.clausesView.setColumnWidth(8, min(260, self.clausesView.columnWidth(8)))
        self._update_counts()
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_counts()

    def _update_counts(self) -> None:
        self.countLabel.setText(f"显示 {self.proxy.rowCount()} 行 / 共 {self.model.rowCount()} 行")

    def selected_clause(self) -> Clause | None:
        rows = self.clausesView.selectionModel().selectedRows()
        return rows[0].data(ClauseRole) if rows else None

    def select_clause(self, code: str) -> None:
        for row in range(self.proxy.rowCount()):
            clause = self.proxy.index(row, 0).data(ClauseRole)
            if clause.code == code:
                self.clausesView.selectRow(row)
                return

    def _update_buttons(self, *_args) -> None:
        clause = self.selected_clause()
        self.editButton.setEnabled(clause is not None and not clause.is_computed)
        self.editButton.setToolTip(
            "基础分由人员得分计算得出，不能编辑" if clause is not None and clause.is_computed else "修改所选条款，保存为从某月起施行的新版本"
        )

    def clause_dialog(self, clause: Clause | None = None) -> ClauseDialog | None:
        clause = clause or self.selected_clause()
        std = self.current_standard()
        if clause is None or std is None or clause.is_computed:
            return None
        return ClauseDialog(self, std, clause, self.evidence)

    def after_save(self, dialog: ClauseDialog) -> None:
        saved = dialog.saved
        self.state.notify(STANDARDS)  # the other tabs reload when shown
        self.flush()  # this one now, shown or not
        self._fill_versions(select=(saved.version, saved.effective_month))
        self.select_clause(dialog.clause.code)

    def edit_selected(self) -> None:
        dialog = self.clause_dialog()
        if dialog is not None and dialog.exec() == QDialog.Accepted:
            self.after_save(dialog)
