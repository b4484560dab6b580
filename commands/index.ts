// Every chat command, in the order /help lists them. Adding a command is adding a module here.
import type { AnyCommand } from "../src/core/command.js";
import record from "./record.js";
import undo from "./undo.js";
import list from "./list.js";
import del from "./delete.js";
import stats from "./stats.js";
import bind from "./bind.js";
import help from "./help.js";

export const COMMANDS: readonly AnyCommand[] = [record, undo, list, del, stats, bind, help];
