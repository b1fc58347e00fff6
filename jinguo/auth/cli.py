"""``python -m jinguo users``: add, set-role, disable, list. No Streamlit here."""

from __future__ import annotations

import getpass
import sys
import time

from jinguo.auth.access import ROLES
from jinguo.auth.accounts import AuthError, add_user, list_users, set_disabled, set_role
from jinguo.text import i18n


def _cli(args) -> int:
    try:
        if args.action == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("password: ")
                if getpass.getpass("again: ") != password:
                    print("passwords differ", file=sys.stderr)
                    return 2
            add_user(args.name, args.role, password, args.province, args.email, actor="cli")
            print(f"added {args.name} ({args.role})")
        elif args.action == "set-role":
            set_role(args.name, args.role, args.province, actor="cli")
            print(f"{args.name}: {args.role}")
        elif args.action == "disable":
            set_disabled(args.name, not args.enable, actor="cli")
            print(f"{args.name}: {'enabled' if args.enable else 'disabled'}")
        else:
            for u in list_users():
                state = "disabled" if u["disabled"] else ("locked" if u["locked_until"] > time.time() else "active")
                print(f"{u['name']:20s} {u['role']:16s} {u['province'] or '-':8s} {state}")
    except AuthError as e:
        print(i18n.t(e.key, "en", **e.kw), file=sys.stderr)
        return 2
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("users", help="accounts: add, set-role, disable, list")
    p.add_argument("action", choices=["add", "set-role", "disable", "list"])
    p.add_argument("name", nargs="?", default="")
    p.add_argument("--role", choices=[r for r in ROLES if r != "public"])
    p.add_argument("--province", help="adcode of the province (province_viewer, data_officer)")
    p.add_argument("--email", help="e-mail for single sign-on")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--enable", action="store_true", help="with disable: enable again")
    p.set_defaults(func=_cli)
