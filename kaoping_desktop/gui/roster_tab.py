"""The 人员名册 tab: windows and people, with dialogs to add, edit, move and retire.

The people table says for the shared month whether each person is scored in it,
and if not, why (在岗起始 晚于本月, 无岗位 …). Changes are announced with
`state.notify(ROSTER)`; the tab reloads only on roster changes and month changes,
and only once shown (LazyRefresh).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QDialog, QFileDialog, QHeaderView, QMessageBox, QTableView, QWidget

from ..excel.templates import ROSTER_FILE
from ..services import InputError
from ..services import roster as roster_service
from ..services import roster_view
from ..services import settings as settings_service
from .app_state import ROSTER, AppState, LazyRefresh
from .roster_dialogs import MoveDialog, PersonDialog, RetireDialog, WindowDialog
from .roster_models import ObjectRole, PeopleModel, RosterFilter, WindowsModel, people_rows
from .tasks import run_task
from .uiload import load_into

SAMPLE_ROWS = 40  # rows looked at when sizing columns; measuring all 800 costs ~68,000 data() calls
MAX_COLUMN_WIDTH = 320
COLUMN_PADDING = 18


def _setup_view(view: QTableView, proxy) -> None:
    view.setModel(proxy)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Interactive)  # never ResizeToContents: it measures every row
    header.setStretchLastSection(True)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.sortByColumn(0, proxy.sortOrder())


def fit_columns(view: QTableView, sample: int = SAMPLE_ROWS) -> int:
    """Size each column to its title and `sample` rows spread over the table; returns the data() calls made.

    Rows are taken from the source model, so rows hidden by the filter (retired
    ones) count too and widths do not jump when they are shown.
    """
    proxy, header = view.model(), view.horizontalHeader()
    model = proxy.sourceModel() if hasattr(proxy, "sourceModel") else proxy
    metrics = view.fontMetrics()
    count = model.rowCount()
    step = max(1, count // sample) if count else 1
    rows = list(range(0, count, step))[:sample]
    calls = 0
    for column in range(model.columnCount()):
        width = header.sectionSizeHint(column)
        for row in rows:
            text = model.index(row, column).data()
            calls += 1
            if text:
                width = max(width, metrics.horizontalAdvance(str(text)) + COLUMN_PADDING)
        header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))
    return calls


class RosterTab(LazyRefresh, QWidget):
    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        self.state = state if state is not None else AppState(settings_service.starting_month(), self)
        load_into(self, "roster_tab.ui")
        self.windows_model = WindowsModel(self)
        self.windows_proxy = RosterFilter(self)
        self.windows_proxy.setSourceModel(self.windows_model)
        _setup_view(self.windowsView, self.windows_proxy)
        self.people_model = PeopleModel(self, self.state.month)
        self.people_proxy = RosterFilter(self)
        self.people_proxy.setSourceModel(self.people_model)
        _setup_view(self.peopleView, self.people_proxy)
        self._sized: set[int] = set()  # views whose columns were fitted to real rows (then left to the user)
        self.statusLabel.hide()

        self.filterEdit.textChanged.connect(self._filter)
        self.showRetiredCheck.toggled.connect(self._show_retired)
        self.exportButton.clicked.connect(lambda: self.export_roster())
        self.addWindowButton.clicked.connect(self.add_window)
        self.editWindowButton.clicked.connect(self.edit_window)
        self.retireWindowButton.clicked.connect(self.retire_window)
        self.addPersonButton.clicked.connect(self.add_person)
        self.editPersonButton.clicked.connect(self.edit_person)
        self.movePersonButton.clicked.connect(self.move_person)
        self.windowsView.doubleClicked.connect(lambda _i: self.edit_window())
        self.peopleView.doubleClicked.connect(lambda _i: self.edit_person())
        self.windowsView.selectionModel().selectionChanged.connect(self._update_buttons)
        self.peopleView.selectionModel().selectionChanged.connect(self._update_buttons)
        self.windows, self.people, self.assignments = [], [], []
        self.loads = 0  # how often the roster was read from the database (tests check laziness)
        self.watch(self.state)
        # Read the roster when first shown: a hidden tab costs nothing at start-up.
        self._pending.add(ROSTER)
        self._update_counts()
        self._update_buttons()

    @property
    def month(self) -> str:
        return self.state.month

    # -- reading -----------------------------------------------------------

    def refresh_for(self, kinds: frozenset) -> None:
        if ROSTER in kinds:
            self.refresh()
        elif self.MONTH in kinds:
            self._show_rows()

    def refresh(self) -> None:
        """Read the roster from the database and show it."""
        self.windows, self.people, self.assignments = roster_view.roster()
        self.loads += 1
        self._show_rows()

    def _show_rows(self) -> None:
        """Rebuild the tables from the roster already read (a month change needs no database)."""
        today = date.today()
        selected_window, selected_person = self.selected_window(), self.selected_person_row()
        self.windows_model.today = today
        self.windows_model.set_rows(self.windows)
        self.people_model.set_month_header(self.month)
        self.people_model.set_rows(people_rows(self.windows, self.people, self.assignments, today, self.month))
        for view in (self.windowsView, self.peopleView):
            if id(view) not in self._sized:
                fit_columns(view)
                if view.model().rowCount():
                    self._sized.add(id(view))
        if selected_window is not None:
            self.select_window(selected_window.code)
        if selected_person is not None:
            self.select_person(selected_person.person.id)
        self._update_counts()
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.windows_proxy.setFilterFixedString(text)
        self.people_proxy.setFilterFixedString(text)
        self._update_counts()

    def _show_retired(self, show: bool) -> None:
        self.windows_proxy.set_show_retired(show)
        self.people_proxy.set_show_retired(show)
        self._update_counts()

    def _update_counts(self) -> None:
        self.windowsCountLabel.setText(f"显示 {self.windows_proxy.rowCount()} / 共 {self.windows_model.rowCount()} 个窗口")
        self.peopleCountLabel.setText(f"显示 {self.people_proxy.rowCount()} / 共 {self.people_model.rowCount()} 人")

    def _update_buttons(self, *_args) -> None:
        has_window = self.selected_window() is not None
        has_person = self.selected_person_row() is not None
        self.editWindowButton.setEnabled(has_window)
        self.retireWindowButton.setEnabled(has_window)
        self.editPersonButton.setEnabled(has_person)
        self.movePersonButton.setEnabled(has_person and bool(self.windows))
        self.addPersonButton.setEnabled(bool(self.windows))
        self.addPersonButton.setToolTip("" if self.windows else "请先新增窗口")

    @staticmethod
    def _selected(view: QTableView):
        rows = view.selectionModel().selectedRows()
        return rows[0].data(ObjectRole) if rows else None

    def selected_window(self):
        return self._selected(self.windowsView)

    def selected_person_row(self):
        return self._selected(self.peopleView)

    def select_window(self, code: str) -> None:
        self._select(self.windowsView, lambda w: w.code == code)

    def select_person(self, person_id: str) -> None:
        self._select(self.peopleView, lambda r: r.person.id == person_id)

    @staticmethod
    def _select(view: QTableView, match) -> None:
        model = view.model()
        for row in range(model.rowCount()):
            if match(model.index(row, 0).data(ObjectRole)):
                view.selectRow(row)
                return

    # -- dialogs (built here, run with exec(); tests build them directly) ---------

    def window_dialog(self, window=None) -> WindowDialog:
        return WindowDialog(self, window)

    def person_dialog(self, row=None) -> PersonDialog:
        if row is None:
            return PersonDialog(self, self.windows, month=self.month)
        return PersonDialog(self, self.windows, row.person, row.assignments, month=self.month)

    def move_dialog(self, row) -> MoveDialog:
        return MoveDialog(self, row.person, self.windows, row.current, month=self.month)

    def _run(self, dialog: QDialog, select=None) -> bool:
        if dialog.exec() != QDialog.Accepted:
            return False
        self.changed()
        if select:
            select()
        return True

    def changed(self) -> None:
        """The roster was written: tell every tab, and be current ourselves even when hidden."""
        self.state.notify(ROSTER)
        self.flush()

    def add_window(self) -> None:
        dialog = self.window_dialog()
        self._run(dialog, lambda: self.select_window(dialog.window_value().code.strip()))

    def edit_window(self) -> None:
        window = self.selected_window()
        if window is not None:
            self._run(self.window_dialog(window), lambda: self.select_window(window.code))

    def retire_window(self) -> None:
        window = self.selected_window()
        if window is not None:
            self._run(RetireDialog(self, window), lambda: self.select_window(window.code))

    def add_person(self) -> None:
        dialog = self.person_dialog()
        self._run(dialog, lambda: self.select_person(dialog.idEdit.text().strip()))

    def edit_person(self) -> None:
        row = self.selected_person_row()
        if row is not None:
            self._run(self.person_dialog(row), lambda: self.select_person(row.person.id))

    def move_person(self) -> None:
        row = self.selected_person_row()
        if row is not None and self.windows:
            self._run(self.move_dialog(row), lambda: self.select_person(row.person.id))

    # -- export ------------------------------------------------------------------

    def export_roster(self, path: str | Path | None = None) -> Path | None:
        """Write the roster as 人员名册.xlsx (off the GUI thread); returns the file, or None."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "导出名册", ROSTER_FILE, "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        path = Path(path)
        if not path.is_dir() and path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            done = run_task(
                self,
                "导出名册",
                "正在导出人员名册……",
                lambda progress, _cancelled: roster_service.export_roster(path, progress),
            )
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, "导出名册失败", str(exc) if isinstance(exc, InputError) else f"无法写入 {path}：{exc}")
            return None
        text = f"名册已导出到 {done.path}：窗口 {done.windows} 个，人员 {done.people} 人（岗位 {done.rows} 行）。"
        if done.without_assignment:
            text += f" {len(done.without_assignment)} 人没有岗位，未写入：" + "、".join(
                f"{p.name}（{p.id}）" for p in done.without_assignment[:10]
            )
        self.statusLabel.setText(text)
        self.statusLabel.show()
        return done.path
