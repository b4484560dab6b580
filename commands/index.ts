// Every chat command, in the order /help lists them. Adding a command is adding a module here.
import type { AnyCommand } from "../src/core/command.js";
import record from "./record.js";
import undo from "./undo.js";
import edit from "./edit.js";
import attach from "./attach.js";
import signin from "./signin.js";
import situation from "./situation.js";
import confirm from "./confirm.js";
import discard from "./discard.js";
import list from "./list.js";
import del from "./delete.js";
import stats from "./stats.js";
import report from "./report.js";
import exportLedger from "./export.js";
import deadlines from "./deadlines.js";
import dashboard from "./dashboard.js";
import remind from "./remind.js";
import outbox from "./outbox.js";
import role from "./role.js";
import forget from "./forget.js";
import bind from "./bind.js";
import help from "./help.js";

export const COMMANDS: readonly AnyCommand[] = [
  record,
  confirm,
  discard,
  edit,
  attach,
  signin,
  undo,
  situation,
  list,
  del,
  stats,
  report,
  exportLedger,
  deadlines,
  dashboard,
  bind,
  remind,
  role,
  outbox,
  forget,
  help,
];
