"""A searchable combo box that never keeps a stale choice.

An editable QComboBox keeps its old current item when the user types another
one and leaves with Tab (the misfiling bug of issue 8). `StrictCombo` wraps a
combo (from a .ui file) so that the typed text always decides: the text must
name exactly one item, by its code, its name, its whole text, or a fragment
that only one item contains. Anything else is invalid: a red frame, a Chinese
hint, and `value()` raises, so nothing can be saved from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter

# Extra item data: the item's name, matched exactly like its code and searched for
# fragments like its shown text.
NameRole = Qt.UserRole + 20
_SELECT_ON = (Qt.TabFocusReason, Qt.BacktabFocusReason, Qt.ShortcutFocusReason, Qt.OtherFocusReason)
_INVALID_STYLE = "QComboBox { border: 2px solid #d93025; border-radius: 2px; }"


def _types_text(event) -> bool:
    """A key press that inserts text (not a shortcut, not Backspace or an arrow)."""
    text = event.text()
    return bool(text) and text.isprintable() and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier)


@dataclass(frozen=True)
class Choice:
    """One item: `text` is shown, `data` is what it stands for (None = the empty choice)."""

    text: str
    data: Any
    name: str = ""
    tooltip: str = ""
    enabled: bool = True  # False for a heading such as a category line


@dataclass(frozen=True)
class Resolution:
    status: str  # "ok", "empty", "none" (nothing matches) or "ambiguous"
    index: int = -1
    matches: int = 0


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class _SelectableOnly(QSortFilterProxyModel):
    """The completer's list: headings (disabled items) are not offered."""

    def filterAcceptsRow(self, row, parent):  # noqa: N802 (Qt's name)
        index = self.sourceModel().index(row, 0, parent)
        return bool(self.sourceModel().flags(index) & Qt.ItemIsEnabled)


class StrictCombo(QObject):
    """Makes `combo` editable and strict. `noun` names the field in hints (窗口, 人员…).

    `empty_data`: what an empty text means (the person combo's 不指定人员); leave it
    unset and an empty text is "not chosen yet", which `value()` refuses.
    `scope` is added to the hint when nothing matches, e.g. "（只列出所选窗口当日在岗的人员）".
    """

    changed = Signal()  # the text was edited or the items were replaced
    committed = Signal()  # the field is being left (Tab, Enter, focus elsewhere)
    _UNSET = object()

    def __init__(
        self, combo: QComboBox, noun: str, empty_data: Any = _UNSET, scope: str = "", parent: QObject | None = None
    ):
        super().__init__(parent or combo)
        self.combo = combo
        self.noun = noun
        self.scope = scope  # what the list holds, told when the text names nothing in it
        self.empty_data = empty_data
        self._last_problem: str | None = None
        # (row, code, shown text, name) of every selectable item, normalised: resolving the
        # typed text runs on every keystroke and save, so the items are read once per change.
        self._entries: list[tuple[int, str, str, str]] | None = None
        combo.model().rowsInserted.connect(self._items_changed)
        combo.model().rowsRemoved.connect(self._items_changed)
        combo.model().modelReset.connect(self._items_changed)
        combo.model().dataChanged.connect(self._items_changed)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.NoInsert)
        combo.lineEdit().setPlaceholderText(f"输入{noun}编号或名称")
        self._proxy = _SelectableOnly(self)
        self._proxy.setSourceModel(combo.model())
        completer = QCompleter(self._proxy, combo)
        completer.setFilterMode(Qt.MatchContains)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setCompletionMode(QCompleter.PopupCompletion)
        completer.setMaxVisibleItems(15)
        combo.setCompleter(completer)
        # Picking from the pop-up sets the text; the text then decides like any typed text.
        completer.activated[str].connect(self._picked)
        combo.lineEdit().textEdited.connect(self._edited)
        combo.lineEdit().editingFinished.connect(self.commit)
        combo.currentIndexChanged.connect(self._edited)
        # Leaving by Tab or a click must resolve the text even while the pop-up is open
        # (the completer swallows that focus-out, so editingFinished never comes).
        combo.installEventFilter(self)
        combo.lineEdit().installEventFilter(self)  # keys sent to the line edit itself
        completer.popup().installEventFilter(self)

    # --- items ---------------------------------------------------------------------

    def set_items(self, choices: Iterable[Choice], default: int = -1, keep_missing: bool = True) -> None:
        """Replace the items. A choice that still exists stays chosen. Text that named
        something now missing stays as typed (and so shows invalid) when `keep_missing`;
        otherwise, or when nothing or the default was chosen, `default` (an index,
        -1 = empty) is chosen."""
        before = self.resolve()
        previous = self.combo.itemData(before.index) if before.status == "ok" and before.index >= 0 else None
        on_default = before.status == "empty" or (before.status == "ok" and (before.index == default or previous is None))
        text = self.text()
        combo = self.combo
        combo.blockSignals(True)
        try:
            combo.clear()
            model = combo.model()
            for choice in choices:
                combo.addItem(choice.text, choice.data)
                row = combo.count() - 1
                combo.setItemData(row, choice.name, NameRole)
                if choice.tooltip:
                    combo.setItemData(row, choice.tooltip, Qt.ToolTipRole)
                if not choice.enabled:
                    model.item(row).setEnabled(False)
            index = self._find(previous) if previous is not None else -1
            if index >= 0:
                self._select(index)
            elif keep_missing and not on_default:
                combo.setCurrentIndex(-1)
                combo.setEditText(text)
            else:
                self._select(default)
        finally:
            combo.blockSignals(False)
        self._show_state()
        self.changed.emit()

    def select_data(self, data: Any) -> bool:
        """Choose the item standing for `data` (as if its text had been typed)."""
        index = self._find(data)
        if index < 0:
            return False
        self.select_index(index)
        return True

    def show_value(self, data: Any, text: str) -> None:
        """Choose `data`'s item, or, when there is none, show `text` (which then reads as invalid)."""
        if not self.select_data(data):
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText(text)
            self._show_state()
            self.changed.emit()

    def select_index(self, index: int) -> None:
        self._select(index if index < self.combo.count() else -1)
        self._show_state()
        self.changed.emit()

    def clear_text(self) -> None:
        self.select_index(-1)

    def _find(self, data: Any) -> int:
        if data is None:  # findData cannot look for None
            return self._none_index()
        return self.combo.findData(data)

    def _select(self, index: int) -> None:
        self.combo.setCurrentIndex(index)
        # Same index again emits nothing and leaves the typed text: set it ourselves.
        self.combo.setEditText(self.combo.itemText(index) if index >= 0 else "")

    # --- resolving the typed text -------------------------------------------------------

    def text(self) -> str:
        return self.combo.currentText()

    def resolve(self, text: str | None = None) -> Resolution:
        """Which single item the text names: exact code or whole text first, then exact
        name, then a fragment of the text or name; several at the first level that
        matches is ambiguous."""
        needle = _norm(self.text() if text is None else text)
        if not needle:
            if self.empty_data is not self._UNSET:
                index = self._find(self.empty_data)
                return Resolution("ok", index, 1) if index >= 0 else Resolution("empty")
            return Resolution("empty")
        exact, named, partial = [], [], []
        for row, code, shown, name in self._items():
            if needle in (code, shown):
                exact.append(row)
            elif name and needle == name:
                named.append(row)
            elif needle in shown or (name and needle in name):
                partial.append(row)
        for level in (exact, named, partial):
            if len(level) == 1:
                return Resolution("ok", level[0], 1)
            if level:
                return Resolution("ambiguous", -1, len(level))
        return Resolution("none")

    def _items_changed(self, *_args) -> None:
        self._entries = None

    def _items(self) -> list[tuple[int, str, str, str]]:
        if self._entries is None:
            combo = self.combo
            self._entries = [
                (
                    row,
                    _norm(data) if isinstance(data := combo.itemData(row), str) else "",
                    _norm(combo.itemText(row)),
                    _norm(combo.itemData(row, NameRole) or ""),
                )
                for row in range(combo.count())
                if self._selectable(row)
            ]
        return self._entries

    def _none_index(self) -> int:
        return next((r for r in range(self.combo.count()) if self.combo.itemData(r) is None and self._selectable(r)), -1)

    def _selectable(self, row: int) -> bool:
        item = self.combo.model().index(row, 0)
        return bool(self.combo.model().flags(item) & Qt.ItemIsEnabled)

    def _shows_whole_item(self) -> bool:
        index = self.combo.currentIndex()
        return index >= 0 and self.text() == self.combo.itemText(index)

    def is_valid(self) -> bool:
        return self.resolve().status == "ok"

    def value(self) -> Any:
        """The chosen item's data; raises ValueError (with the Chinese hint) when the text
        does not name exactly one item."""
        found = self.resolve()
        if found.status != "ok":
            raise ValueError(self.problem(found))
        return self.combo.itemData(found.index)

    def value_or_none(self) -> Any:
        found = self.resolve()
        return self.combo.itemData(found.index) if found.status == "ok" else None

    def chosen_text(self) -> str:
        """The full text of the item the typed text names ("" if none)."""
        found = self.resolve()
        return self.combo.itemText(found.index) if found.status == "ok" else ""

    def problem(self, found: Resolution | None = None) -> str:
        """A Chinese hint for why the text cannot be saved ("" when it can)."""
        found = found or self.resolve()
        typed = self.text().strip()
        if found.status == "ok":
            return ""
        if found.status == "empty":
            return f"请选择{self.noun}"
        if found.status == "ambiguous":
            return f"{self.noun}“{typed}”对应 {found.matches} 项，请输入更完整的编号或名称"
        return f"{self.noun}“{typed}”不在列表中{self.scope}"

    def commit(self) -> None:
        """Leaving the field: show the item the text names in full (the text is kept as
        typed when it names none, so the user sees what is wrong)."""
        if not shiboken6.isValid(self.combo):  # the line edit finishes while the window closes
            return
        found = self.resolve()
        if found.status == "ok" and found.index >= 0:
            self.hide_popup()
            if self.combo.currentIndex() != found.index or self.text() != self.combo.itemText(found.index):
                self._select(found.index)
        self._show_state()
        self.committed.emit()

    def popup(self):
        """The completer's list of matches (shown while typing)."""
        return self.combo.completer().popup()

    def hide_popup(self) -> None:
        if self.popup().isVisible():
            self.popup().hide()

    # --- reacting ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if not shiboken6.isValid(self.combo):  # focus events while the window is torn down
            return False
        if kind == QEvent.FocusOut and watched is self.combo:
            self.commit()
        elif kind == QEvent.FocusIn and watched is self.combo and event.reason() in _SELECT_ON:
            # Arriving by Tab or Alt+letter: typing replaces the old choice, as in a line edit.
            self.combo.lineEdit().selectAll()
        elif (kind == QEvent.KeyPress and _types_text(event)) or (kind == QEvent.InputMethod and event.commitString()):
            # The text is a whole item (what was chosen, not something being typed): new
            # typing replaces it instead of being stuck onto its end ("W01 …W03").
            edit = self.combo.lineEdit()
            if not edit.hasSelectedText() and self._shows_whole_item():
                edit.selectAll()
        elif kind == QEvent.KeyPress and event.key() in (Qt.Key_Tab, Qt.Key_Backtab):
            popup = self.combo.completer().popup()
            # A highlighted pop-up entry is the user's pick: let the completer take it.
            if watched is self.combo or not popup.currentIndex().isValid():
                self.hide_popup()
                self.commit()
        return False

    def _picked(self, text: str) -> None:
        self.combo.setEditText(text)
        self.commit()
        self.changed.emit()

    def _edited(self, *_):
        self._show_state()
        self.changed.emit()

    def _show_state(self) -> None:
        found = self.resolve()
        # An empty required field is not yet wrong; typed text naming nothing is.
        problem = self.problem(found) if found.status in ("none", "ambiguous") else ""
        if problem == self._last_problem:
            return
        self._last_problem = problem
        self.combo.setStyleSheet(_INVALID_STYLE if problem else "")
        self.combo.setToolTip(problem)

    def shown_problem(self) -> str:
        """The hint currently shown (typed text that names nothing or several items)."""
        return self._last_problem or ""
