"""``python -m jinguo import DATASET FILE``: validate and load a register, or write the templates."""

from __future__ import annotations

import sys
from pathlib import Path

from jinguo import auth
from jinguo.auth.access import User
from jinguo.geo import coords
from jinguo.ingest import mappings, ops
from jinguo.ingest.messages import message, rejects_csv
from jinguo.ingest.read import MAX_BYTES
from jinguo.ingest.service import run_import
from jinguo.ingest.templates import write_templates
from jinguo.store import registers
from jinguo.store.datasets import DATASETS, ImportError_
from jinguo.store.registers import Busy
from jinguo.text import i18n


def _cli(args) -> int:
    lang = args.lang
    if args.dataset == "templates":
        for p in write_templates(Path(args.file)):
            print(p)
        return 0
    path = Path(args.file)
    if not path.exists():
        print(i18n.t("import.no_file", lang).format(path=path), file=sys.stderr)
        return 2
    user = User(args.user, "data_officer", args.province) if args.province else None
    try:
        given = mappings.parse(args.map)
        mappings.check(args.dataset, given)
        mapping = {**mappings.remembered(args.province, args.dataset), **given}
        rep = run_import(args.dataset, path, db=args.db, crs=args.crs, dry_run=args.dry_run,
                         skip_bad_rows=args.skip_bad_rows, user=user, max_bytes=args.max_bytes,
                         sheet=args.sheet, mapping=mapping)
    except ImportError_ as e:
        print(i18n.t(e.key, lang).format(**e.kw), file=sys.stderr)
        return 2
    except Busy:
        print(i18n.t("registers.busy", lang), file=sys.stderr)
        return 3
    for n in rep.notes:
        print(message(n, lang))
    if rep.rejected:
        rj = path.with_name(path.name + ".rejects.csv")
        rj.write_bytes(rejects_csv(rep, lang))
        print(i18n.t("import.rejects_file", lang).format(path=rj))
    if args.dry_run:
        print(i18n.t("import.plan", lang).format(added=rep.added, updated=rep.updated, unchanged=rep.unchanged,
                                                  rejected=rep.rejected))
        print(i18n.t("import.dry_run", lang))
    else:
        print(i18n.t("import.summary", lang).format(added=rep.added, updated=rep.updated,
                                                     unchanged=rep.unchanged, rejected=rep.rejected))
    return 1 if rep.rejected and not args.skip_bad_rows else 0


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="validate and load a register (CSV, XLS, XLSX, XLSM, ODS, WPS ET), all or nothing")
    p.add_argument("dataset", choices=[*DATASETS, "templates"])
    p.add_argument("file", help="the CSV/XLSX file (for 'templates': the output folder)")
    p.add_argument("--crs", default="gcj02", type=coords.normalise_crs, help="wgs84, gcj02 or bd09 (rooms)")
    p.add_argument("--dry-run", action="store_true", help="validate only, change nothing")
    p.add_argument("--skip-bad-rows", action="store_true", help="load the good rows, write the bad ones beside "
                   "the input with their reasons")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--user", default=None, help="who imports (recorded in import_log)")
    p.add_argument("--province", default=None, help="restrict to this province (a data officer's)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    p.add_argument("--sheet", default=None, help="the sheet to read: its name or its position from 1 "
                   "(default: the sheet whose header matches best)")
    p.add_argument("--map", action="append", metavar="HEADER=FIELD", help="read the column HEADER as FIELD "
                   "(repeatable); with --province, mappings saved on the import page apply too")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(func=_cli)
    add_ops_parsers(sub)


def _account(name: str | None) -> User | None:
    """The enabled account ``name`` from the accounts file, or None."""
    for u in auth.list_users():
        if name and u["name"] == name and not u["disabled"]:
            return User(u["name"], u["role"], u["province"])
    return None


def _line(b: dict) -> str:
    state = f"reverted by {b['reverted']['by']} {b['reverted']['at']}" if b.get("reverted") else "active"
    where = b.get("province") or ",".join(b.get("provinces") or [])
    return (f"{b['id']}  {b.get('at', '?')}  {b.get('dataset', '?'):18s} {where:14s} {b.get('user') or '-':12s} "
            f"rows={b.get('rows', '?')} added={b.get('added', '?')} updated={b.get('updated', '?')} "
            f"{b.get('file_name', '?')}  [{state}]")


def _print_recovery(r, lang: str) -> int:
    if not r.changed:
        print(i18n.t("registers.recover_nothing", lang, n=len(r.batches)))
        return 0
    print(i18n.t("registers.recovered", lang, n=len(r.batches), reverted=sum(1 for b in r.batches if b.get("reverted"))))
    for b in r.batches:
        print("  " + _line(b))
    if r.from_log:
        print(i18n.t("registers.recovered_from_log", lang, ids=", ".join(r.from_log)))
    if r.quarantined:
        print(i18n.t("registers.recover_quarantined", lang, ids=", ".join(r.quarantined), path=r.quarantine_dir))
    if r.aside:
        print(i18n.t("registers.recover_aside", lang, path=r.aside))
    for key, kw in r.problems:
        print(i18n.t(key, lang, **kw), file=sys.stderr)
    if r.problems:
        return 2
    if r.rebuild_error:
        print(i18n.t("registers.recover_rebuild_failed", lang, error=r.rebuild_error), file=sys.stderr)
        return 2
    print(i18n.t("registers.recover_rebuilt" if r.rebuilt else "registers.recover_db_current", lang))
    return 0


def _print_plan(plan: dict, lang: str, path: str) -> None:
    print(i18n.t("registers.plan_backup", lang, path=path, at=plan["backup_at"], batches=plan["batches"]))
    if plan["damaged_reverted"]:
        print(i18n.t("registers.note_damaged_reverted", lang, ids=", ".join(plan["damaged_reverted"])))
    if plan["dropped"]:
        print(i18n.t("registers.plan_dropped", lang, n=len(plan["dropped"])))
        for b in plan["dropped"]:
            print("  " + _line(b))
    if plan["revived"]:
        print(i18n.t("registers.plan_revived", lang, n=len(plan["revived"])))
        for b in plan["revived"]:
            print("  " + _line(b))
    if not plan["accounts_in_backup"]:
        print(i18n.t("registers.plan_no_accounts", lang))
    else:
        if plan["accounts_new"]:
            print(i18n.t("registers.plan_accounts_new", lang, n=len(plan["accounts_new"]),
                         names=", ".join(plan["accounts_new"])))
        if plan["accounts_changed"]:
            print(i18n.t("registers.plan_accounts_changed", lang, n=len(plan["accounts_changed"]),
                         names=", ".join(plan["accounts_changed"])))
        if plan["audit_since"]:
            print(i18n.t("registers.plan_audit_since", lang, n=plan["audit_since"]))
    if not (plan["dropped"] or plan["revived"] or plan["accounts_new"] or plan["accounts_changed"]
            or plan["audit_since"]):
        print(i18n.t("registers.plan_nothing_newer", lang))


def _ops_cli(args) -> int:
    lang = args.lang
    try:
        if args.cmd == "imports" and args.action == "list":
            for b in ops.imports_for(None):
                print(_line(b))
        elif args.cmd == "imports" and args.action == "recover":
            return _print_recovery(ops.recover(db=args.db), lang)
        elif args.cmd == "imports":
            if not args.import_id:
                print(i18n.t("registers.err_unknown", lang, id=""), file=sys.stderr)
                return 2
            actor = _account(args.user)
            if actor is None or actor.role != "admin":
                print(i18n.t("registers.err_admin_only", lang), file=sys.stderr)
                return 2
            b = ops.revert(args.import_id, actor, db=args.db)
            print(i18n.t("registers.reverted", lang, id=b["id"], file=b["file_name"]))
        elif args.cmd == "backup":
            info = ops.backup(Path(args.dir))
            print(i18n.t("registers.backed_up", lang, path=args.dir, batches=info["batches"]))
            if info["damaged_reverted"]:
                print(i18n.t("registers.note_damaged_reverted", lang, ids=", ".join(info["damaged_reverted"])))
        else:
            info = ops.restore(Path(args.dir), db=args.db, yes=args.yes)
            _print_plan(info["plan"], lang, args.dir)
            if not info["applied"]:
                print(i18n.t("registers.restore_need_yes", lang,
                             path=str(registers.data_dir() / "replaced")), file=sys.stderr)
                return 1
            print(i18n.t("registers.restored", lang, path=args.dir, batches=info["batches"], aside=info["aside"]))
    except ops.OpError as e:
        print(i18n.t(e.key, lang, **e.kw), file=sys.stderr)
        return 2
    except registers.RegistersError as e:
        print(i18n.t(e.key, lang, **e.kw), file=sys.stderr)
        return 2
    except registers.Busy:
        print(i18n.t("registers.busy", lang), file=sys.stderr)
        return 3
    return 0


def add_ops_parsers(sub) -> None:
    p = sub.add_parser("imports", help="list the imports kept in the registers, revert one (admins), or "
                       "recover a lost or outdated manifest.json from the batches on disk")
    p.add_argument("action", choices=["list", "revert", "recover"])
    p.add_argument("import_id", nargs="?", default="")
    p.add_argument("--user", default=None, help="revert: the admin account doing it (recorded in the audit log)")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(func=_ops_cli)
    for name, text in (("backup", "copy the registers and the accounts/audit file into DIR"),
                       ("restore", "check a backup in DIR, say what it would replace, and with --yes put it back "
                        "(the current state kept aside) and rebuild the database")):
        q = sub.add_parser(name, help=text)
        q.add_argument("dir")
        q.add_argument("--db", type=Path, default=None)
        if name == "restore":
            q.add_argument("--yes", action="store_true", help="do it: without --yes, check the backup, print "
                           "what it would replace and change nothing")
        q.add_argument("--lang", choices=["zh", "en"], default="zh")
        q.set_defaults(func=_ops_cli)
