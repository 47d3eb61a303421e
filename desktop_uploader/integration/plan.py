"""Carrying out an install plan, and undoing it from a manifest of exactly what was written.

A plan is a list of operations, each belonging to a named component ("GNOME Files script", ...). Install
checks a component's operations first and skips the whole component if any would overwrite something that
is not ours. Each thing is recorded in the manifest *before* it is written, so that even an install cut
short can be undone; uninstall then walks the manifest backwards: files go, folders go if install made
them and they are empty, Thunar's file loses only our action, registry keys go only if we created them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_uploader.integration import thunar
from desktop_uploader.integration.common import IntegrationError
from desktop_uploader.integration.registry import RegistryWriter, parent_keys
from desktop_uploader.integration.shortcuts import ShortcutSpec, ShortcutWriter

MANIFEST_FORMAT = 1

# States a component can be in, for `status` and the reports of install and uninstall.
INSTALLED = "installed"
CHANGED = "changed"
MISSING = "missing"
NOT_INSTALLED = "not installed"
SKIPPED = "skipped"
REMOVED = "removed"
KEPT = "kept"
PLANNED = "would install"
SYSTEM_WIDE = "system-wide"  # a system package installed it for every user; no per-user copy is made


@dataclass(frozen=True)
class WriteFile:
    component: str
    path: Path
    content: bytes
    executable: bool = False


@dataclass(frozen=True)
class MergeThunarAction:
    component: str
    path: Path
    action: thunar.ThunarAction
    # System-wide uca.xml files, in XDG order: Thunar reads the first one only while the user has none, so
    # a new user file starts as a copy of it, or the user's stock actions would vanish.
    seeds: tuple[Path, ...] = ()


@dataclass(frozen=True)
class RegistryKey:
    component: str
    key: str
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CreateShortcut:
    component: str
    path: Path
    spec: ShortcutSpec


Operation = WriteFile | MergeThunarAction | RegistryKey | CreateShortcut


@dataclass
class Plan:
    platform: str
    launcher: tuple[str, ...]
    operations: list[Operation]
    notes: list[str] = field(default_factory=list)
    # Components a system package already provides for every user, and where: left out of the operations.
    system_wide: dict[str, str] = field(default_factory=dict)

    def components(self) -> list[str]:
        return list(dict.fromkeys(op.component for op in self.operations))


@dataclass
class ComponentResult:
    component: str
    state: str
    where: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class Report:
    platform: str
    results: list[ComponentResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest: Manifest | None = None

    def add(self, component: str, state: str, where: list[str] | None = None, detail: str = "") -> None:
        self.results.append(ComponentResult(component, state, where or [], detail))

    def all_in(self, *states: str) -> bool:
        return bool(self.results) and all(result.state in states for result in self.results)

    def add_system_wide(self, plan: Plan) -> None:
        for component, where in plan.system_wide.items():
            self.add(component, SYSTEM_WIDE, [where], "installed for every user by the system package")


@dataclass
class Manifest:
    platform: str
    launcher: list[str]
    installed_at: str
    items: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise IntegrationError(f"The record of what was installed ({path}) cannot be read: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise IntegrationError(f"The record of what was installed ({path}) is of an unknown format.")
        return cls(platform=str(data.get("platform", "")), launcher=list(data.get("launcher", [])),
                   installed_at=str(data.get("installed_at", "")), items=list(data.get("items", [])))

    def save(self, path: Path) -> None:
        body = {"format": MANIFEST_FORMAT, "platform": self.platform, "launcher": self.launcher,
                "installed_at": self.installed_at, "items": self.items}
        _write_atomic(path, (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), 0o600)


@dataclass
class Environment:
    """Where the plan is carried out: the manifest's place and the Windows-only writers."""

    manifest_path: Path
    registry: RegistryWriter | None = None
    shortcuts: ShortcutWriter | None = None

    def need_registry(self) -> RegistryWriter:
        if self.registry is None:
            raise IntegrationError("Registry entries can only be written on Windows.")
        return self.registry

    def need_shortcuts(self) -> ShortcutWriter:
        if self.shortcuts is None:
            raise IntegrationError("Windows shortcuts can only be made on Windows.")
        return self.shortcuts


# ------------------------------------------------------------------------------------------------ files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, content: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _missing_dirs(directory: Path) -> list[Path]:
    """The folders that creating ``directory`` would create, outermost first."""
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    return list(reversed(missing))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------------------------------------- install


def _conflict(op: Operation, env: Environment) -> str | None:
    """Why ``op`` must not be carried out, or ``None``."""
    if isinstance(op, WriteFile | CreateShortcut):
        if op.path.exists() or op.path.is_symlink():
            return f"{op.path} already exists and was not written by desktop-uploader"
        if isinstance(op, CreateShortcut):
            env.need_shortcuts()
        return None
    if isinstance(op, MergeThunarAction):
        data = _read(op.path)
        if data is not None:
            try:
                thunar.parse(data)
            except IntegrationError as exc:
                return str(exc)
        return None
    registry = env.need_registry()
    if registry.key_exists(op.key):
        return f"HKEY_CURRENT_USER\\{op.key} already exists and was not written by desktop-uploader"
    return None


class _Installer:
    def __init__(self, env: Environment, manifest: Manifest) -> None:
        self.env = env
        self.manifest = manifest

    def record(self, item: dict[str, Any]) -> None:
        self.manifest.items.append(item)
        self.manifest.save(self.env.manifest_path)

    def make_dirs(self, component: str, directory: Path) -> None:
        for missing in _missing_dirs(directory):
            self.record({"type": "dir", "component": component, "path": str(missing)})
            missing.mkdir(mode=0o755)

    def apply(self, op: Operation) -> str:
        """Carry out ``op``; where it wrote, for the report."""
        if isinstance(op, WriteFile):
            self.make_dirs(op.component, op.path.parent)
            self.record({"type": "file", "component": op.component, "path": str(op.path),
                         "sha256": _sha256(op.content), "executable": op.executable})
            _write_atomic(op.path, op.content, 0o755 if op.executable else 0o644)
            return str(op.path)
        if isinstance(op, CreateShortcut):
            self.make_dirs(op.component, op.path.parent)
            item: dict[str, Any] = {"type": "shortcut", "component": op.component, "path": str(op.path),
                                    "target": op.spec.target, "arguments": op.spec.arguments}
            self.record(item)
            self.env.need_shortcuts().create(op.path, op.spec)
            return str(op.path)
        if isinstance(op, MergeThunarAction):
            return self._merge_thunar(op)
        return self._registry(op)

    def _merge_thunar(self, op: MergeThunarAction) -> str:
        original = _read(op.path)
        if original is not None:
            root = thunar.parse(original)
        else:
            root = thunar.empty()
            for seed in op.seeds:
                data = _read(seed)
                if data is not None:
                    with contextlib.suppress(IntegrationError):  # a broken system file: start empty
                        root = thunar.parse(data)
                    break
        base_fingerprint = thunar.fingerprint(root)
        thunar.merge(root, op.action)
        content = thunar.serialize(root)
        self.make_dirs(op.component, op.path.parent)
        mode = op.path.stat().st_mode & 0o777 if original is not None else 0o644
        self.record({
            "type": "thunar", "component": op.component, "path": str(op.path),
            "unique_id": op.action.unique_id, "command": op.action.command,
            # The actions there were without ours; if they are all that is left at uninstall, the file is
            # put back byte for byte (or removed, if install made it).
            "base_fingerprint": base_fingerprint,
            "original": None if original is None else base64.b64encode(original).decode("ascii"),
            "mode": mode,
        })
        _write_atomic(op.path, content, mode)
        return str(op.path)

    def _registry(self, op: RegistryKey) -> str:
        registry = self.env.need_registry()
        for parent in parent_keys(op.key):
            if not registry.key_exists(parent):
                self.record({"type": "registry-parent", "component": op.component, "key": parent})
        values = dict(op.values)
        self.record({"type": "registry-key", "component": op.component, "key": op.key, "values": values})
        registry.write_values(op.key, values)
        return f"HKEY_CURRENT_USER\\{op.key}"


def install(plan: Plan, env: Environment) -> Report:
    """Carry out ``plan`` after undoing any earlier install, so a re-install replaces exactly that."""
    report = Report(plan.platform, notes=list(plan.notes))
    report.add_system_wide(plan)
    if Manifest.load(env.manifest_path) is not None:
        uninstall(env)
    manifest = Manifest(plan.platform, list(plan.launcher), datetime.now(UTC).isoformat(timespec="seconds"))
    installer = _Installer(env, manifest)
    for component in plan.components():
        ops = [op for op in plan.operations if op.component == component]
        conflicts = [reason for op in ops if (reason := _conflict(op, env)) is not None]
        if conflicts:
            report.add(component, SKIPPED, detail="; ".join(conflicts))
            continue
        report.add(component, INSTALLED, [installer.apply(op) for op in ops])
    if manifest.items:
        report.manifest = manifest
    else:
        env.manifest_path.unlink(missing_ok=True)
    return report


def preview(plan: Plan) -> Report:
    report = Report(plan.platform, notes=list(plan.notes))
    report.add_system_wide(plan)
    for component in plan.components():
        where = []
        for op in plan.operations:
            if op.component == component:
                where.append(f"HKEY_CURRENT_USER\\{op.key}" if isinstance(op, RegistryKey) else str(op.path))
        report.add(component, PLANNED, where)
    return report


# -------------------------------------------------------------------------------------------- uninstall


def _by_component(items: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    order = list(dict.fromkeys(str(item.get("component", "")) for item in items))
    for component in order:
        yield component, [item for item in items if item.get("component", "") == component]


def uninstall(env: Environment) -> Report:
    """Remove what the manifest says install wrote, and nothing else; then the manifest itself."""
    manifest = Manifest.load(env.manifest_path)
    if manifest is None:
        return Report("")
    report = Report(manifest.platform, manifest=manifest)
    notes: dict[str, list[str]] = {}
    where: dict[str, list[str]] = {}
    failed: list[dict[str, Any]] = []
    for item in reversed(manifest.items):
        component = str(item.get("component", ""))
        try:
            detail = _undo(item, env)
        except (OSError, IntegrationError) as exc:
            detail = f"could not remove: {exc}"
            failed.insert(0, item)
        if detail:
            notes.setdefault(component, []).append(detail)
        if item["type"] != "dir" and item["type"] != "registry-parent":
            where.setdefault(component, []).append(str(item.get("path") or item.get("key")))
    failed_components = {str(item.get("component", "")) for item in failed}
    for component, _items in _by_component(manifest.items):
        report.add(component, KEPT if component in failed_components else REMOVED,
                   list(reversed(where.get(component, []))), "; ".join(notes.get(component, [])))
    if failed:
        # Keep track of what is still there, so a later uninstall (on the right OS, say) can finish.
        manifest.items = failed
        manifest.save(env.manifest_path)
    else:
        env.manifest_path.unlink(missing_ok=True)
    return report


def _undo(item: dict[str, Any], env: Environment) -> str:
    kind = item["type"]
    if kind in ("file", "shortcut"):
        path = Path(item["path"])
        if path.is_symlink() or path.exists():
            path.unlink()
        return ""
    if kind == "dir":
        path = Path(item["path"])
        if path.is_dir():
            if any(path.iterdir()):
                return f"{path} was kept: it now holds other files"
            path.rmdir()
        return ""
    if kind == "thunar":
        return _undo_thunar(item)
    registry = env.need_registry()
    key = str(item["key"])
    if kind == "registry-key":
        if registry.key_exists(key):
            if registry.has_subkeys(key):
                return f"HKEY_CURRENT_USER\\{key} was kept: it now has other subkeys"
            registry.delete_key(key)
        return ""
    if kind == "registry-parent":
        if registry.key_exists(key) and not registry.has_subkeys(key) and not registry.read_values(key):
            registry.delete_key(key)
        return ""
    raise IntegrationError(f"unknown kind of record: {kind}")


def _undo_thunar(item: dict[str, Any]) -> str:
    path = Path(item["path"])
    data = _read(path)
    if data is None:
        return ""
    root = thunar.parse(data)
    thunar.remove(root, str(item["unique_id"]))
    mode = int(item.get("mode", 0o644))
    if thunar.fingerprint(root) == item.get("base_fingerprint"):
        original = item.get("original")
        if original is None:
            # Install made the file; Thunar goes back to the system-wide one.
            path.unlink()
        else:
            _write_atomic(path, base64.b64decode(original), mode)
    else:
        # The user changed other actions since: their changes stay, only ours goes.
        _write_atomic(path, thunar.serialize(root), mode)
    return ""


# ----------------------------------------------------------------------------------------------- status


def _item_state(item: dict[str, Any], env: Environment) -> str | None:
    kind = item["type"]
    if kind in ("dir", "registry-parent"):
        return None
    if kind == "file":
        data = _read(Path(item["path"]))
        if data is None:
            return MISSING
        return INSTALLED if _sha256(data) == item.get("sha256") else CHANGED
    if kind == "shortcut":
        return INSTALLED if Path(item["path"]).is_file() else MISSING
    if kind == "thunar":
        data = _read(Path(item["path"]))
        if data is None:
            return MISSING
        try:
            action = thunar.find(thunar.parse(data), str(item["unique_id"]))
        except IntegrationError:
            return CHANGED
        if action is None:
            return MISSING
        return INSTALLED if (action.findtext("command") or "") == item.get("command") else CHANGED
    if env.registry is None:
        return None
    values = env.registry.read_values(str(item["key"]))
    if values is None:
        return MISSING
    return INSTALLED if values == item.get("values") else CHANGED


def status(plan: Plan, env: Environment) -> Report:
    """What of ``plan`` is installed, judged against the manifest of the last install."""
    manifest = Manifest.load(env.manifest_path)
    report = Report(plan.platform, notes=[], manifest=manifest)
    report.add_system_wide(plan)
    if manifest is None:
        for component in plan.components():
            report.add(component, NOT_INSTALLED)
        return report
    recorded = dict(_by_component(manifest.items))
    for component in plan.components() + [c for c in recorded if c not in plan.components()]:
        items = recorded.get(component)
        if not items:
            report.add(component, NOT_INSTALLED)
            continue
        states = [s for s in (_item_state(item, env) for item in items) if s is not None]
        where = [str(item.get("path") or f"HKEY_CURRENT_USER\\{item.get('key')}") for item in items
                 if item["type"] not in ("dir", "registry-parent")]
        state = INSTALLED
        if MISSING in states:
            state = MISSING
        elif CHANGED in states:
            state = CHANGED
        report.add(component, state, where)
    duplicated = [component for component in recorded if component in plan.system_wide]
    if duplicated:
        report.notes.append(f"The system package now provides {', '.join(duplicated)} for every user; run install "
                            "again to remove the per-user copies.")
    if manifest.launcher and list(plan.launcher) != manifest.launcher:
        report.notes.append("The app was installed from another place since; run install again to update "
                            "the menu entries.")
    program = next((part for part in manifest.launcher if os.path.isabs(part) and part != "/usr/bin/env"), None)
    if program and not os.path.exists(program):
        report.notes.append(f"The menu entries start {program}, which no longer exists.")
    return report
